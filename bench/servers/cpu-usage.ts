/**
 * Answers the parent's `"cpu"` messages with this process's CPU time so far (user + system, every thread:
 * the emulator's workers included), in µs. The emulator benchmark reads it before and after each timed run.
 */
export function answerCpuRequests(): void {
  process.on("message", (message) => {
    if (message !== "cpu") return;
    const { user, system } = process.cpuUsage();
    process.send!({ cpuUs: user + system });
  });
}
