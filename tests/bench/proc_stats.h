// What the benchmark reads about a process from /proc (Linux only, like the
// benchmark): CPU time (utime + stime, proc(5) fields 14 and 15, in clock
// ticks) and resident memory (VmRSS, and VmHWM, its peak).
#pragma once

#include <sys/resource.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <cstdlib>
#include <string>

namespace bench {

struct ProcSample {
    int64_t cpu_ns = -1;  // -1: no process given or not readable
    int64_t rss_kib = -1;
    int64_t peak_rss_kib = -1;
};

inline ProcSample sample_process(int pid) {
    ProcSample sample;
    if (pid <= 0) return sample;
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (std::getline(stat, line)) {
        // The command name (field 2) may hold spaces; count fields after its ')'.
        std::istringstream fields(line.substr(line.rfind(')') + 2));
        std::string field;
        int64_t utime = 0, stime = 0;
        for (int number = 3; number <= 15 && fields >> field; ++number) {
            if (number == 14) utime = std::strtoll(field.c_str(), nullptr, 10);
            if (number == 15) stime = std::strtoll(field.c_str(), nullptr, 10);
        }
        sample.cpu_ns = (utime + stime) * (1'000'000'000 / ::sysconf(_SC_CLK_TCK));
    }
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) sample.rss_kib = std::strtoll(line.c_str() + 6, nullptr, 10);
        if (line.rfind("VmHWM:", 0) == 0) sample.peak_rss_kib = std::strtoll(line.c_str() + 6, nullptr, 10);
    }
    return sample;
}

inline int64_t own_cpu_ns() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return (int64_t{usage.ru_utime.tv_sec} + usage.ru_stime.tv_sec) * 1'000'000'000 +
           (int64_t{usage.ru_utime.tv_usec} + usage.ru_stime.tv_usec) * 1000;
}

}  // namespace bench
