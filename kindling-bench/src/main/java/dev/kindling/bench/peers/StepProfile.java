// StepProfile: runs one of Kindling's peer workloads for a fixed time and reports what a step costs: ms/step,
// bytes allocated per step (all threads), GC time. Meant to run under JFR
// (-XX:StartFlightRecording=...) to find the hotspots behind a peer-table row.
package dev.kindling.bench.peers;

import dev.kindling.bench.peers.PeerHarness.Bench;
import dev.kindling.kernels.KernelWarmup;
import dev.kindling.kernels.Parallel;
import dev.kindling.tensor.Generator;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * {@code StepProfile mlp|lenet|gpt|mlp-infer|lenet-infer [seconds]} with {@code -Dthreads=N}: warm-up, then steps for
 * the given time (default 20 s); prints ms/step, MB allocated/step and the GC share.
 */
public final class StepProfile {
    private StepProfile() {}

    public static void main(String[] args) {
        Bench bench = Bench.of(args[0]);
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 20;
        Parallel.setThreads(PeerHarness.threads());
        KernelWarmup.warmup();
        Runnable step = switch (bench) {
            case MLP -> KindlingWorkloads.trainStep(KindlingWorkloads.mlp(new Generator(0)), KindlingWorkloads.classificationData(784));
            case LENET -> KindlingWorkloads.trainStep(KindlingWorkloads.lenet(new Generator(0)), KindlingWorkloads.classificationData(784));
            case GPT -> KindlingWorkloads.gptStep();
            case MLP_INFER -> KindlingWorkloads.inferStep(KindlingWorkloads.mlp(new Generator(0)), KindlingWorkloads.classificationData(784));
            case LENET_INFER -> KindlingWorkloads.inferStep(KindlingWorkloads.lenet(new Generator(0)), KindlingWorkloads.classificationData(784));
            case MINILM -> KindlingWorkloads.minilmStep();
        };
        for (int i = 0; i < bench.warmupSteps; i++) step.run();
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long alloc0 = mx.getTotalThreadAllocatedBytes(), gc0 = gcMillis(), t0 = System.nanoTime();
        long callerAlloc0 = mx.getCurrentThreadAllocatedBytes();
        long deadline = t0 + (long) (seconds * 1e9);
        int steps = 0;
        while (System.nanoTime() < deadline) {
            step.run();
            steps++;
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        long alloc = mx.getTotalThreadAllocatedBytes() - alloc0, caller = mx.getCurrentThreadAllocatedBytes() - callerAlloc0;
        long gc = gcMillis() - gc0;
        System.out.printf(Locale.ROOT, "RESULT step-profile bench=%s threads=%d steps=%d ms_per_step=%.3f %s=%.0f "
                        + "alloc_mb_per_step=%.3f caller_alloc_mb_per_step=%.3f gc_ms=%d gc_share=%.3f%n", bench.id,
                Parallel.threads(), steps, ms / steps, bench.unit.replace('/', '_'), steps * bench.unitsPerStep / (ms / 1e3),
                alloc / 1e6 / steps, caller / 1e6 / steps, gc, gc / ms);
    }

    private static long gcMillis() {
        long ms = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) ms += Math.max(0, b.getCollectionTime());
        return ms;
    }
}
