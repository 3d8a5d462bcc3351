/**
 * Optimizers ({@link dev.kindling.optim.SGD}, {@link dev.kindling.optim.Adam}, {@link dev.kindling.optim.AdamW},
 * {@link dev.kindling.optim.RMSprop}, {@link dev.kindling.optim.Adagrad}), learning-rate schedulers
 * ({@link dev.kindling.optim.LRScheduler} and its implementations, {@link dev.kindling.optim.ReduceLROnPlateau})
 * and gradient clipping ({@link dev.kindling.optim.GradClip}), with PyTorch 2.x update rules and state dicts.
 *
 * <p>Example:
 * <pre>{@code
 * var opt = new AdamW(model.parameters(), AdamW.Options.builder().lr(3e-4).weightDecay(0.1).build());
 * var sched = new WarmupScheduler(opt, 100, new CosineAnnealingLR(opt, 900, 0.0));
 * for (int step = 0; step < 1000; step++) {
 *     opt.zeroGrad();
 *     loss(model, batch(step)).backward();
 *     GradClip.clipGradNorm(model.parameters(), 1.0);
 *     opt.step();
 *     sched.step();
 * }
 * }</pre>
 */
package dev.kindling.optim;
