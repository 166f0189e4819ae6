"""NAB (Numenta Anomaly Benchmark) scorer and runner for the crisis detector."""
