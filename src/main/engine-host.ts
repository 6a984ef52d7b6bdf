// Entry point of the engine's utility process in the packaged app (built to out/main/engine-host.cjs).
import '../engine/host';
