/** JMH micro-benchmarks of the per-message hot path. Run: {@code ./bench/run.sh}. */
package dev.pier.bench;
