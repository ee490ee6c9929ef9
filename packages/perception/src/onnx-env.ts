/**
 * Process environment that onnxruntime-node reads when it initialises (once per process, at the
 * first inference session). Imported by `onnx-runtime.ts` before `onnxruntime-node` itself, so it
 * applies to every session LongVid creates, in the main thread and in the perception workers.
 *
 * onnxruntime 1.29+ ships 1DS telemetry on Linux and macOS: every process writes an empty
 * `$TMPDIR/mat-debug-<pid>.log` and keeps a SQLite database with a device id under
 * `~/.cache/Microsoft/DeveloperTools/.onnxruntime/`. `ORT_DISABLE_TELEMETRY=1`, set before
 * initialisation, is onnxruntime's full opt-out on these platforms: no uploader, no events, no
 * device id, no offline cache, no debug log (microsoft/onnxruntime#27379 "Add POSIX telemetry",
 * #29843). LongVid sets it unless the variable is already set (`ORT_DISABLE_TELEMETRY=0` keeps
 * onnxruntime's default).
 */

/** The variable onnxruntime reads, and the value that turns its telemetry off. */
export const ONNX_TELEMETRY_SWITCH = { name: 'ORT_DISABLE_TELEMETRY', off: '1' } as const;

/** Turns onnxruntime's telemetry (and its debug log) off for this process unless the user chose otherwise. Idempotent. */
export function disableOnnxTelemetry(): void {
  process.env[ONNX_TELEMETRY_SWITCH.name] ??= ONNX_TELEMETRY_SWITCH.off;
}

disableOnnxTelemetry();
