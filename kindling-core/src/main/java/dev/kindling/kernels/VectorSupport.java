// VectorSupport: decides once whether the Vector API (an incubator module) can be used.
// A JVM started without --add-modules jdk.incubator.vector must not die with NoClassDefFoundError:
// fast kernel classes that touch jdk.incubator.vector are only loaded when this says yes.
package dev.kindling.kernels;

/** Detects whether {@code jdk.incubator.vector} is present and whether fast kernels are enabled. */
public final class VectorSupport {
    /** The JVM flag that enables the fast kernels. */
    public static final String FLAG = "--add-modules jdk.incubator.vector";

    private static final boolean PRESENT = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    private static volatile boolean enabled = PRESENT && !Boolean.getBoolean("kindling.scalar");
    private static volatile boolean warned;

    private VectorSupport() {}

    /** True when the Vector API module is in the boot layer. */
    public static boolean present() {
        return PRESENT;
    }

    /**
     * True when fast (Vector API) kernels should be used. Warns once on stderr, naming the flag, when the
     * module is missing and kernels fall back to the scalar reference.
     */
    public static boolean enabled() {
        if (!PRESENT && !warned) {
            warned = true;
            System.err.println("[kindling] WARNING: jdk.incubator.vector is not available; using the slow scalar "
                    + "kernels. Start the JVM with '" + FLAG + "' for fast kernels.");
        }
        return enabled;
    }

    /**
     * Forces the scalar reference kernels ({@code false}) or re-enables fast kernels ({@code true}, only if the
     * module is present). Used by tests that compare the two.
     */
    public static void setEnabled(boolean on) {
        enabled = on && PRESENT;
    }
}
