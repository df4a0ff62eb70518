#include "app/etcd_client.h"

#include <utility>

#include "registry/etcd_codec.h"

namespace app {
namespace {

constexpr size_t kMaxAnswer = 16 << 20;  // a one-shot answer or a watch message (many entries)
constexpr std::string_view kAuthenticate = "auth/authenticate";

std::string joined(const std::vector<std::string>& parts) {
    std::string out;
    for (const std::string& part : parts) out += (out.empty() ? "" : "; ") + part;
    return out;
}

}  // namespace

EtcdClient::EtcdClient(loop::EventLoop& loop, registry::EtcdTarget target, std::string password,
                       EtcdClientOptions options)
    : loop_(loop), target_(std::move(target)), password_(std::move(password)), later_(loop) {
    net::HttpClientOptions http{};
    http.connect_timeout_ms = options.connect_timeout_ms;
    http.response_timeout_ms = options.response_timeout_ms;
    for (const registry::EtcdEndpoint& endpoint : target_.endpoints)
        clients_.push_back(std::make_unique<net::HttpClient>(loop_, endpoint.host, endpoint.port, http));
}

EtcdClient::~EtcdClient() { cancel(); }

void EtcdClient::call(std::string call, std::string body, EtcdDone done) {
    if (active_) {
        done(Error{"etcd: " + call + ": another call is in flight"});
        return;
    }
    start(std::move(call), std::move(body), std::move(done), nullptr);
}

void EtcdClient::stream(std::string call, std::string body, EtcdStreamHandler& handler) {
    if (active_) {
        handler.on_end(Error{"etcd: " + call + ": another call is in flight"});
        return;
    }
    start(std::move(call), std::move(body), nullptr, &handler);
}

void EtcdClient::start(std::string call, std::string body, EtcdDone done, EtcdStreamHandler* stream) {
    active_ = true;
    call_ = std::move(call);
    body_ = std::move(body);
    done_ = std::move(done);
    stream_ = stream;
    tried_ = 0;
    failures_.clear();
    auth_retried_ = false;
    if (clients_.empty()) return complete(Error{"etcd: " + call_ + ": the URL names no endpoint"});
    attempt();
}

void EtcdClient::attempt() noexcept {
    authenticating_ = !target_.user.empty() && token_.empty();
    if (authenticating_) return send(kAuthenticate, registry::etcd::authenticate_body(target_.user, password_));
    send(call_, body_);
}

void EtcdClient::send(std::string_view path, const std::string& body) noexcept {
    net::HttpRequest request;
    request.method = "POST";
    request.target = "/v3/" + std::string(path);
    request.body = body;
    request.retry_if_idle_closed = 1;  // every call we make may be repeated
    request.stream = stream_ != nullptr && !authenticating_;
    if (!token_.empty() && !authenticating_) request.headers.emplace_back("Authorization", token_);
    status_ = 0;
    answer_.clear();
    lines_ = http::LineSplitter(kMaxAnswer);
    Status started = clients_[current_]->request(request, *this);
    if (!started.ok()) next_endpoint("etcd " + started.error().message);
}

void EtcdClient::next_endpoint(std::string why) noexcept {
    failures_.push_back(std::move(why));
    current_ = (current_ + 1) % clients_.size();
    if (++tried_ >= clients_.size()) return complete(Error{joined(failures_)});
    attempt();
}

void EtcdClient::complete(Result<std::string> result) noexcept {
    // active_ stays true until the completion is delivered: nothing can
    // start in between and re-arm later_.
    later_.arm(0, [this, result = std::move(result)]() mutable {
        active_ = false;
        EtcdStreamHandler* stream = std::exchange(stream_, nullptr);
        EtcdDone done = std::move(done_);
        done_ = nullptr;
        if (stream) return stream->on_end(result.ok() ? Error{"etcd " + endpoint() + ": " + call_ + ": the stream ended"}
                                                      : result.error());
        if (done) done(std::move(result));
    });
}

void EtcdClient::on_head(const http::Response& head) noexcept { status_ = head.status; }

void EtcdClient::on_body(std::string_view piece) noexcept {
    if (stream_ && !authenticating_ && status_ == 200) {
        EtcdStreamHandler* handler = stream_;
        bool fine = lines_.feed(piece, [&](std::string_view line) {
            if (stream_ == handler && !line.empty()) handler->on_line(line);
        });
        if (!fine && stream_ == handler) {
            clients_[current_]->cancel();
            complete(Error{"etcd " + endpoint() + ": " + call_ + ": " + std::string(http::LineSplitter::kTooLong)});
        }
        return;
    }
    if (answer_.size() + piece.size() > kMaxAnswer) {
        clients_[current_]->cancel();
        return complete(Error{"etcd " + endpoint() + ": " + call_ + ": answer larger than 16 MiB"});
    }
    answer_.append(piece);
}

void EtcdClient::on_done() noexcept {
    std::string where = endpoint();
    std::string_view what = authenticating_ ? kAuthenticate : std::string_view(call_);
    if (status_ == 200) {
        if (!authenticating_) {
            if (stream_) return complete(Error{"etcd " + where + ": " + call_ + ": the stream ended"});
            return complete(std::move(answer_));
        }
        auto token = registry::etcd::parse_token(answer_);
        if (!token.ok()) return complete(Error{"etcd " + where + ": " + token.error().message});
        token_ = std::move(token.value());
        return attempt();
    }
    if (status_ == 401 && !authenticating_ && !target_.user.empty() && !auth_retried_ &&
        answer_.find("invalid auth token") != std::string::npos) {
        auth_retried_ = true;
        token_.clear();
        return attempt();
    }
    std::string failure = registry::etcd::describe_failure(where, what, status_, answer_);
    if (status_ >= 500) return next_endpoint(std::move(failure));
    complete(Error{std::move(failure)});
}

void EtcdClient::on_error(const Error& error) noexcept {
    if (stream_ && !authenticating_ && status_ == 200) {
        // A watch that was running broke: the caller lists again, elsewhere first.
        current_ = (current_ + 1) % clients_.size();
        return complete(Error{"etcd " + error.message});
    }
    next_endpoint("etcd " + error.message);
}

void EtcdClient::cancel() noexcept {
    for (auto& client : clients_) client->cancel();
    later_.cancel();
    active_ = false;
    stream_ = nullptr;
    done_ = nullptr;
}

}  // namespace app
