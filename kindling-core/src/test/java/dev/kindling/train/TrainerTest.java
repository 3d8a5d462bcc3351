package dev.kindling.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.data.DataLoader;
import dev.kindling.io.Json;
import dev.kindling.metrics.Accuracy;
import dev.kindling.metrics.F1Score;
import dev.kindling.nn.CrossEntropyLoss;
import dev.kindling.nn.Linear;
import dev.kindling.nn.MSELoss;
import dev.kindling.nn.Module;
import dev.kindling.optim.Adam;
import dev.kindling.optim.ReduceLROnPlateau;
import dev.kindling.optim.SGD;
import dev.kindling.optim.StepLR;
import dev.kindling.tensor.Generator;
import dev.kindling.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    @TempDir
    Path tmp;

    private static Trainer.Builder classifier(Module model, int epochs) {
        return Trainer.builder().model(model).optimizer(new Adam(model.parameters(), 0.02)).loss(new CrossEntropyLoss())
                .epochs(epochs).metrics(new Accuracy());
    }

    @Test
    void fitsATinyClassificationProblemToLowLoss() {
        Generator drop = new Generator(5);
        Module model = TrainFixtures.mlp(1, drop);
        Trainer trainer = classifier(model, 15).clipGradNorm(5.0).metrics(new Accuracy(), new F1Score(3))
                .generators(drop).build();
        DataLoader train = TrainFixtures.loader(TrainFixtures.blobs(150, 11), 16, true, 3);
        DataLoader val = TrainFixtures.loader(TrainFixtures.blobs(60, 12), 32, false, 0);

        History h = trainer.fit(train, val);

        assertThat(h.size()).isEqualTo(15);
        assertThat(h.keys()).containsExactly("epoch", "loss", "accuracy", "f1", "val_loss", "val_accuracy", "val_f1",
                "lr", "time_s");
        assertThat(h.get("epoch")).containsExactly(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0,
                14.0, 15.0);
        assertThat(h.last("loss")).isLessThan(0.15).isLessThan(h.get("loss").get(0) / 4);
        assertThat(h.last("val_loss")).isLessThan(0.15);
        assertThat(h.last("val_accuracy")).isGreaterThanOrEqualTo(0.95);
        assertThat(model.isTraining()).isTrue();

        // evaluate reproduces the last validation values (eval mode, no dropout) and restores the mode
        Map<String, Double> ev = trainer.evaluate(val);
        assertThat(ev.keySet()).containsExactly("loss", "accuracy", "f1");
        assertThat(ev.get("loss")).isEqualTo(h.last("val_loss"));
        assertThat(model.isTraining()).isTrue();

        Tensor pred = trainer.predict(val);
        assertThat(pred.shape()).containsExactly(60, 3);
        assertThat(pred.requiresGrad()).isFalse();
    }

    @Test
    void nonFiniteLossStopsWithEpochAndBatch() {
        Module model = new Linear(4, 3, new Generator(1));
        int[] calls = {0};
        CrossEntropyLoss ce = new CrossEntropyLoss();
        Trainer trainer = Trainer.builder().model(model).optimizer(new SGD(model.parameters(), 0.1)).epochs(3)
                .loss((out, y) -> ++calls[0] == 7 ? ce.forward(out, y).mul(Float.NaN) : ce.forward(out, y)).build();
        DataLoader train = TrainFixtures.loader(TrainFixtures.blobs(20, 1), 4, false, 0);   // 5 batches per epoch
        assertThatThrownBy(() -> trainer.fit(train, null)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("loss is NaN at epoch 2/3, batch 2/5")
                .hasMessageContaining("lower learning rate").hasMessageContaining("Autograd.detectAnomaly()");
    }

    @Test
    void builderRejectsIncompleteConfiguration() {
        Module model = new Linear(2, 1, new Generator(1));
        assertThatThrownBy(() -> Trainer.builder().model(model).build())
                .hasMessageContaining("optimizer, loss must be set");
        assertThatThrownBy(() -> Trainer.builder().model(model).optimizer(new SGD(model.parameters(), 0.1))
                .loss(new MSELoss()).epochs(0).build()).hasMessageContaining("epochs must be >= 1");
        assertThatThrownBy(() -> Trainer.builder().model(model).optimizer(new SGD(model.parameters(), 0.1))
                .loss(new MSELoss()).metrics(new Accuracy(), new Accuracy()).build())
                .hasMessageContaining("'accuracy' is used twice");
    }

    @Test
    void regressionWithSchedulerRecordsTheLearningRatePerEpoch() {
        Generator g = new Generator(3);
        float[] x = new float[64 * 2], y = new float[64];
        for (int i = 0; i < 64; i++) {
            x[2 * i] = (float) g.nextGaussian();
            x[2 * i + 1] = (float) g.nextGaussian();
            y[i] = 1.5f * x[2 * i] - 2f * x[2 * i + 1] + 0.5f;
        }
        DataLoader train = new DataLoader(new dev.kindling.data.TensorDataset(Tensor.of(x, 64, 2), Tensor.of(y, 64, 1)),
                16, true, 9);
        Module model = new Linear(2, 1, new Generator(4));
        SGD opt = new SGD(model.parameters(), 0.1);
        History h = Trainer.builder().model(model).optimizer(opt).loss(new MSELoss()).epochs(30)
                .scheduler(new StepLR(opt, 10, 0.5)).metrics(new dev.kindling.metrics.R2Score()).build().fit(train, null);
        assertThat(h.get("lr").subList(0, 3)).containsExactly(0.1, 0.1, 0.1);
        assertThat(h.get("lr").get(10)).isEqualTo(0.05);
        assertThat(h.get("lr").get(20)).isEqualTo(0.025);
        assertThat(h.last("loss")).isLessThan(1e-6);
        assertThat(h.last("r2")).isGreaterThan(0.9999);
    }

    @Test
    void plateauSchedulerIsSteppedWithTheMonitoredValue() {
        Module model = new Linear(4, 3, new Generator(1));
        SGD opt = new SGD(model.parameters(), 0.1);
        ReduceLROnPlateau plateau = new ReduceLROnPlateau(opt, ReduceLROnPlateau.Options.builder().patience(0)
                .factor(0.5).build());
        DataLoader data = TrainFixtures.loader(TrainFixtures.blobs(12, 1), 6, false, 0);
        // A constant loss never improves: with patience 0 each epoch after the first halves the lr.
        History h = Trainer.builder().model(model).optimizer(opt).loss((out, y) -> out.mul(0f).sum().add(1f))
                .epochs(3).scheduler(plateau).build().fit(data, null);   // monitors "loss" without validation
        assertThat(h.get("lr")).containsExactly(0.1, 0.1, 0.05);
        assertThat(opt.getLr()).isEqualTo(0.025);
        assertThat(plateau.best()).isEqualTo(1.0);
    }

    // ---------------------------------------------------------------- callbacks

    @Test
    void progressBarPrintsOneLinePerEpochWithoutATerminal() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Module model = TrainFixtures.mlp(1, new Generator(2));
        DataLoader data = TrainFixtures.loader(TrainFixtures.blobs(30, 1), 8, true, 1);   // 4 batches
        classifier(model, 2).callbacks(new ProgressBar(out, false)).build().fit(data, data);
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("\r");
        List<String> lines = text.lines().toList();
        assertThat(lines).hasSize(2);
        String num = "\\d+\\.\\d{4}";
        for (int e = 0; e < 2; e++) assertThat(lines.get(e)).matches("Epoch " + (e + 1) + "/2 - 4 batches - \\d+\\.\\ds - "
                + "\\d+ samples/s - loss: " + num + " - accuracy: " + num + " - val_loss: " + num + " - val_accuracy: "
                + num + " - lr: 0\\.02000");
    }

    @Test
    void progressBarRedrawsInPlaceOnATerminal() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Module model = TrainFixtures.mlp(1, new Generator(2));
        DataLoader data = TrainFixtures.loader(TrainFixtures.blobs(30, 1), 8, true, 1);
        classifier(model, 1).callbacks(new ProgressBar(out, true)).build().fit(data, null);
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(text).startsWith("\rEpoch 1/1 [").endsWith("\n").contains("samples/s").contains("4/4");
        assertThat(text.chars().filter(ch -> ch == '\n').count()).isEqualTo(1);
    }

    private static TrainContext context(Module model) {
        Trainer t = Trainer.builder().model(model).optimizer(new SGD(model.parameters(), 0.1)).loss(new MSELoss()).epochs(10)
                .build();
        return new TrainContext(t, new History(), 0);
    }

    @Test
    void earlyStoppingStopsAfterPatienceEpochsWithoutImprovementAndRestoresTheBestWeights() {
        Module model = new Linear(2, 1, new Generator(1));
        TrainContext ctx = context(model);
        EarlyStopping es = new EarlyStopping("val_loss", MonitorMode.MIN, 2, 0.01, true);
        es.onTrainBegin(ctx);
        double[] losses = {1.0, 0.8, 0.795, 0.9, 0.7};   // 0.795 is within minDelta of 0.8: no improvement
        float[] bestWeights = null;
        int epoch = 0;
        for (; epoch < losses.length && !ctx.stopRequested(); epoch++) {
            ctx.beginEpoch(epoch, 1);
            try (var ng = dev.kindling.tensor.Autograd.noGrad()) {
                ((Linear) model).weight().fill_(epoch);     // distinct weights per epoch
            }
            if (epoch == 1) bestWeights = ((Linear) model).weight().toFloatArray();
            es.onEpochEnd(ctx, epoch, Map.of("val_loss", losses[epoch]));
        }
        assertThat(epoch).isEqualTo(4);                     // stopped after epoch index 3 (0.795, 0.9 did not improve)
        assertThat(es.stoppedEpoch()).isEqualTo(3);
        assertThat(es.bestEpoch()).isEqualTo(1);
        assertThat(es.best()).isEqualTo(0.8);
        assertThat(ctx.stopReason()).contains("val_loss did not improve for 2 epoch(s)").contains("best 0.8 at epoch 2");
        es.onTrainEnd(ctx, ctx.history());
        assertThat(((Linear) model).weight().toFloatArray()).containsExactly(bestWeights);
    }

    @Test
    void earlyStoppingInMaxModeAndMissingMonitor() {
        Module model = new Linear(2, 1, new Generator(1));
        TrainContext ctx = context(model);
        EarlyStopping es = new EarlyStopping("val_accuracy", null, 1, 0, false);   // MAX inferred
        es.onTrainBegin(ctx);
        es.onEpochEnd(ctx, 0, Map.of("val_accuracy", 0.5));
        es.onEpochEnd(ctx, 1, Map.of("val_accuracy", 0.6));
        assertThat(ctx.stopRequested()).isFalse();
        es.onEpochEnd(ctx, 2, Map.of("val_accuracy", 0.6));
        assertThat(ctx.stopRequested()).isTrue();
        assertThat(es.best()).isEqualTo(0.6);
        assertThatThrownBy(() -> es.onEpochEnd(ctx, 3, Map.of("loss", 1.0)))
                .hasMessageContaining("'val_accuracy' is not in the epoch logs [loss]")
                .hasMessageContaining("pass a validation loader");
    }

    @Test
    void earlyStoppingEndsFitEarly() {
        Module model = new Linear(4, 3, new Generator(1));
        DataLoader data = TrainFixtures.loader(TrainFixtures.blobs(12, 1), 6, false, 0);
        History h = Trainer.builder().model(model).optimizer(new SGD(model.parameters(), 0.0)).loss(new CrossEntropyLoss())
                .epochs(20).callbacks(new EarlyStopping("loss", MonitorMode.MIN, 2, 0, false)).build().fit(data, null);
        assertThat(h.size()).isEqualTo(3);   // lr 0: epoch 1 sets the best, epochs 2 and 3 do not improve
    }

    @Test
    void historyLoggerModelCheckpointAndCurvesWriteTheirFiles() throws Exception {
        Generator drop = new Generator(2);
        Module model = TrainFixtures.mlp(1, drop);
        DataLoader train = TrainFixtures.loader(TrainFixtures.blobs(30, 1), 8, true, 1);
        DataLoader val = TrainFixtures.loader(TrainFixtures.blobs(15, 2), 8, false, 0);
        ModelCheckpoint best = new ModelCheckpoint(Path.of("best.safetensors"), "val_loss", MonitorMode.MIN);
        History h = classifier(model, 3).outputDir(tmp).generators(drop)
                .callbacks(new HistoryLogger(), best, new CurvePlotter()).build().fit(train, val);

        List<String> csv = Files.readAllLines(tmp.resolve("history.csv"));
        assertThat(csv).hasSize(4);
        assertThat(csv.get(0)).isEqualTo("epoch,loss,accuracy,val_loss,val_accuracy,lr,time_s");
        for (int e = 0; e < 3; e++) {
            String[] cells = csv.get(e + 1).split(",");
            assertThat(cells[0]).isEqualTo(Integer.toString(e + 1));
            assertThat(Double.parseDouble(cells[1])).isEqualTo(h.get("loss").get(e));
            assertThat(Double.parseDouble(cells[3])).isEqualTo(h.get("val_loss").get(e));
            assertThat(cells[5]).isEqualTo("0.02");
        }
        Map<String, Object> json = Json.parseObject(Files.readString(tmp.resolve("history.json")));
        assertThat(json.keySet()).containsExactly("epoch", "loss", "accuracy", "val_loss", "val_accuracy", "lr", "time_s");
        assertThat(json.get("epoch")).isEqualTo(List.of(1L, 2L, 3L));
        assertThat(((List<?>) json.get("val_accuracy")).stream().map(v -> ((Number) v).doubleValue()).toList())
                .isEqualTo(h.get("val_accuracy"));
        assertThat(History.fromJson(Files.readString(tmp.resolve("history.json"))).rows()).isEqualTo(h.rows());

        // the best model by val_loss was saved, with its epoch in the metadata
        Path bestFile = tmp.resolve("best.safetensors");
        Map<String, String> meta = dev.kindling.io.Safetensors.metadata(bestFile);
        int bestEpoch = best.bestEpoch();
        assertThat(meta).containsEntry("epoch", Integer.toString(bestEpoch + 1)).containsEntry("monitor", "val_loss");
        assertThat(Double.parseDouble(meta.get("value"))).isEqualTo(h.get("val_loss").stream().min(Double::compare).get());
        assertThat(dev.kindling.io.Safetensors.load(bestFile).keySet()).isEqualTo(model.stateDict().keySet());

        // curves: one panel each for loss and accuracy
        var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(tmp.resolve("curves.svg").toFile());
        assertThat(doc.getDocumentElement().getAttribute("width")).isEqualTo("840");
        assertThat(doc.getElementsByTagName("polyline").getLength()).isGreaterThanOrEqualTo(4);
        BufferedImage png = ImageIO.read(tmp.resolve("curves.png").toFile());
        assertThat(png.getWidth()).isEqualTo(2 * CurvePlotter.PANEL_WIDTH);
        assertThat(png.getHeight()).isEqualTo(CurvePlotter.PANEL_HEIGHT);
        assertThat(tmp.resolve(Trainer.LAST_CHECKPOINT)).exists();
        try (var files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp"))).isEmpty();
        }
    }
}
