# docs/bench-msgs.png: echo messages per second against connections, 16 in
# flight per connection, one panel per message size. run_bench.sh passes
# dir (where plot-<server>-<size>.dat hold "connections msgs/s"), sizes and out.
set terminal pngcairo size (500 * words(sizes)),520 font "sans,11"
set output out
set multiplot layout 1,words(sizes) title "Echo throughput, server and load generator on one core (make bench)"
set logscale x
set logscale y
set xrange [0.7:1500]
set xtics ("1" 1, "10" 10, "100" 100, "1000" 1000)
set format y "%.0s%c"
set xlabel "connections"
set ylabel "messages / s"
set grid
set key below horizontal
do for [size in sizes] {
    set title (size == "16" ? "16 B" : size == "1024" ? "1 KiB" : "64 KiB") . " messages, 16 in flight"
    plot dir."/plot-tcp-".size.".dat" using 1:2 with linespoints lw 2 pt 7 title "plain TCP echo", \
         dir."/plot-ws-".size.".dat" using 1:2 with linespoints lw 2 pt 5 title "ws-server", \
         dir."/plot-node-".size.".dat" using 1:2 with linespoints lw 2 pt 9 title "node ws"
}
unset multiplot
