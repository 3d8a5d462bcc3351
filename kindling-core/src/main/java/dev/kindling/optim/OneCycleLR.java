// OneCycleLR: the 1cycle policy — learning rate up from maxLr/divFactor to maxLr, then down to a tiny
// minimum, with momentum (or Adam's beta1) cycled the opposite way (torch.optim.lr_scheduler.OneCycleLR).
package dev.kindling.optim;

/**
 * The 1cycle learning-rate policy, stepped once per batch for {@code totalSteps} steps.
 *
 * <p>Phases (two, or three with {@code threePhase}): warm-up from {@code initial_lr = maxLr / divFactor} to
 * {@code maxLr} over {@code pctStart * totalSteps - 1} steps, then annealing to
 * {@code min_lr = initial_lr / finalDivFactor} ({@code "cos"} or {@code "linear"}). With {@code cycleMomentum}
 * (the default) the group's {@code momentum} (SGD, RMSprop) or {@code beta1} (Adam, AdamW) moves from
 * {@code maxMomentum} to {@code baseMomentum} and back. Note, as in PyTorch: this also turns momentum on for
 * an SGD built without it.
 *
 * <p>Example:
 * <pre>{@code
 * var sched = new OneCycleLR(opt, 0.1, epochs * batchesPerEpoch);
 * // after each optimizer step: sched.step();
 * }</pre>
 */
public final class OneCycleLR extends BaseLRScheduler {
    private final Options o;
    private final double[][] phases;   // {endStep, startLrKeyIdx, endLrKeyIdx, startMomKeyIdx, endMomKeyIdx}
    private final boolean useBeta1;
    private static final String[] KEYS = {"initial_lr", "max_lr", "min_lr", "max_momentum", "base_momentum"};

    /**
     * OneCycleLR options (PyTorch defaults: pctStart 0.3, "cos", cycleMomentum with 0.85..0.95, divFactor 25,
     * finalDivFactor 1e4, two phases).
     *
     * @param maxLr the peak learning rate of every group, > 0
     * @param totalSteps the number of steps in the cycle, > 0
     * @param pctStart the fraction of the cycle spent increasing the rate, in [0, 1]
     * @param annealStrategy "cos" or "linear"
     * @param cycleMomentum cycle momentum / beta1 inversely to the rate
     * @param baseMomentum the lowest momentum (at the peak rate)
     * @param maxMomentum the highest momentum (at the start and end)
     * @param divFactor initial_lr = maxLr / divFactor
     * @param finalDivFactor min_lr = initial_lr / finalDivFactor
     * @param threePhase use a third phase that anneals from initial_lr to min_lr (fast.ai's schedule)
     */
    public record Options(double maxLr, int totalSteps, double pctStart, String annealStrategy, boolean cycleMomentum,
            double baseMomentum, double maxMomentum, double divFactor, double finalDivFactor, boolean threePhase) {
        /** A builder with PyTorch's defaults. */
        public static Builder builder(double maxLr, int totalSteps) {
            return new Builder(maxLr, totalSteps);
        }

        /** Builder of {@link Options}. */
        public static final class Builder {
            private final double maxLr;
            private final int totalSteps;
            private double pctStart = 0.3, baseMomentum = 0.85, maxMomentum = 0.95, divFactor = 25, finalDivFactor = 1e4;
            private String annealStrategy = "cos";
            private boolean cycleMomentum = true, threePhase;

            Builder(double maxLr, int totalSteps) {
                this.maxLr = maxLr;
                this.totalSteps = totalSteps;
            }

            public Builder pctStart(double v) { pctStart = v; return this; }
            public Builder annealStrategy(String v) { annealStrategy = v; return this; }
            public Builder cycleMomentum(boolean v) { cycleMomentum = v; return this; }
            public Builder baseMomentum(double v) { baseMomentum = v; return this; }
            public Builder maxMomentum(double v) { maxMomentum = v; return this; }
            public Builder divFactor(double v) { divFactor = v; return this; }
            public Builder finalDivFactor(double v) { finalDivFactor = v; return this; }
            public Builder threePhase(boolean v) { threePhase = v; return this; }

            public Options build() {
                return new Options(maxLr, totalSteps, pctStart, annealStrategy, cycleMomentum, baseMomentum,
                        maxMomentum, divFactor, finalDivFactor, threePhase);
            }
        }
    }

    /** 1cycle with PyTorch's defaults. */
    public OneCycleLR(Optimizer optimizer, double maxLr, int totalSteps) {
        this(optimizer, Options.builder(maxLr, totalSteps).build());
    }

    /** 1cycle with the commonly tuned options; momentum cycles between 0.85 and 0.95. */
    public OneCycleLR(Optimizer optimizer, double maxLr, int totalSteps, double pctStart, String annealStrategy,
            double divFactor, double finalDivFactor, boolean threePhase) {
        this(optimizer, Options.builder(maxLr, totalSteps).pctStart(pctStart).annealStrategy(annealStrategy)
                .divFactor(divFactor).finalDivFactor(finalDivFactor).threePhase(threePhase).build());
    }

    /** 1cycle with {@code options}. */
    public OneCycleLR(Optimizer optimizer, Options options) {
        super(prepare(optimizer, options));   // sets initial_lr before the base records it
        this.o = options;
        this.useBeta1 = optimizer.defaults().containsKey("beta1");
        double n = options.totalSteps();
        phases = options.threePhase()
                ? new double[][] {{options.pctStart() * n - 1, 0, 1, 3, 4}, {2 * options.pctStart() * n - 2, 1, 0, 4, 3},
                        {n - 1, 0, 2, 3, 3}}
                : new double[][] {{options.pctStart() * n - 1, 0, 1, 3, 4}, {n - 1, 1, 2, 4, 3}};
        initialStep();
    }

    private static Optimizer prepare(Optimizer opt, Options o) {
        String who = "OneCycleLR";
        if (opt == null) throw new IllegalArgumentException(who + ": optimizer is null");
        if (o.totalSteps() <= 0) throw new IllegalArgumentException(who + ": totalSteps must be > 0, got "
                + o.totalSteps());
        if (!(o.pctStart() >= 0 && o.pctStart() <= 1)) throw new IllegalArgumentException(who + ": pctStart must be "
                + "in [0, 1], got " + o.pctStart());
        if (!"cos".equals(o.annealStrategy()) && !"linear".equals(o.annealStrategy()))
            throw new IllegalArgumentException(who + ": annealStrategy must be \"cos\" or \"linear\", got \""
                    + o.annealStrategy() + "\"");
        requirePositive(who, "maxLr", o.maxLr());
        requirePositive(who, "divFactor", o.divFactor());
        requirePositive(who, "finalDivFactor", o.finalDivFactor());
        boolean beta1 = opt.defaults().containsKey("beta1");
        if (o.cycleMomentum() && !beta1 && !opt.defaults().containsKey("momentum"))
            throw new IllegalArgumentException(who + ": " + opt.name() + " has neither momentum nor beta1 to cycle; "
                    + "build the options with cycleMomentum(false)");
        for (ParamGroup g : opt.paramGroups()) {
            double initial = o.maxLr() / o.divFactor();
            g.set("initial_lr", initial);
            g.set("max_lr", o.maxLr());
            g.set("min_lr", initial / o.finalDivFactor());
            if (o.cycleMomentum()) {
                g.set(beta1 ? "beta1" : "momentum", o.maxMomentum());
                g.set("max_momentum", o.maxMomentum());
                g.set("base_momentum", o.baseMomentum());
            }
        }
        return opt;
    }

    @Override
    protected double[] computeLr() {
        int stepNum = lastEpoch;
        if (stepNum > o.totalSteps()) throw new IllegalStateException("OneCycleLR: tried to step " + stepNum
                + " times; the schedule has " + o.totalSteps() + " total steps");
        double[] lrs = new double[baseLrs.length];
        for (int gi = 0; gi < lrs.length; gi++) {
            ParamGroup g = optimizer.paramGroups().get(gi);
            double start = 0;
            for (int i = 0; i < phases.length; i++) {
                double end = phases[i][0];
                if (stepNum <= end || i == phases.length - 1) {
                    double pct = (stepNum - start) / (end - start);
                    lrs[gi] = anneal(g.get(KEYS[(int) phases[i][1]]), g.get(KEYS[(int) phases[i][2]]), pct);
                    if (o.cycleMomentum()) g.set(useBeta1 ? "beta1" : "momentum",
                            anneal(g.get(KEYS[(int) phases[i][3]]), g.get(KEYS[(int) phases[i][4]]), pct));
                    break;
                }
                start = end;
            }
        }
        return lrs;
    }

    private double anneal(double start, double end, double pct) {
        if (o.annealStrategy().equals("linear")) return (end - start) * pct + start;
        double cosOut = Math.cos(Math.PI * pct) + 1;
        return end + (start - end) / 2.0 * cosOut;
    }
}
