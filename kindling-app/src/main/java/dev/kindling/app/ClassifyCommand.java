// ClassifyCommand: `kindling classify --model DIR TEXT...`, labels raw text with a text classifier saved by the
// spam-rnn or sentiment examples (config.json + vocab.txt + model.safetensors): one line per text with its label
// and probability. Texts come from the arguments, from files (one text each, e.g. a whole e-mail) or stdin lines.
package dev.kindling.app;

import dev.kindling.models.text.SavedTextClassifier;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kindling classify --model DIR [TEXT...] [--file FILE...]}. */
@Command(
        name = "classify",
        mixinStandardHelpOptions = true,
        description = {
            "Label raw text with a model saved by `kindling example spam-rnn` or `kindling example sentiment`:",
            "prints label and probability per text, then a RESULT line. With no TEXT and no --file, each line",
            "of standard input is one text.",
            "Example: ./kindling classify --model runs/sentiment \"The food was great!\" \"Never again.\""
        })
public final class ClassifyCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "The model directory (holding "
            + "config.json, vocab.txt and model.safetensors), e.g. runs/spam-rnn or runs/sentiment.")
    Path model;

    @Parameters(paramLabel = "TEXT", arity = "0..*", description = "Texts to classify (quote each one).")
    List<String> texts = new ArrayList<>();

    @Option(names = "--file", paramLabel = "FILE", description = "A file whose whole content is one text (e.g. a "
            + "raw e-mail with its headers); may be repeated.")
    List<Path> files = new ArrayList<>();

    /** One classified text. */
    public record Labelled(String text, SavedTextClassifier.Prediction prediction) {}

    @Override
    public Integer call() {
        try {
            List<String> all = new ArrayList<>(texts);
            for (Path f : files) {
                if (!Files.isRegularFile(f)) throw new IOException("no text file at " + f);
                all.add(Files.readString(f, StandardCharsets.UTF_8));
            }
            if (all.isEmpty()) all.addAll(readLines(System.in));
            if (all.isEmpty()) {
                System.err.println("kindling classify: no text given (pass TEXT arguments, --file FILE, or lines on "
                        + "standard input)");
                return CommandLine.ExitCode.USAGE;
            }
            run(System.out, model, all);
            return CommandLine.ExitCode.OK;
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("kindling classify: " + e.getMessage());
            return CommandLine.ExitCode.SOFTWARE;
        }
    }

    /** Loads the model, classifies {@code texts}, prints one line each and the RESULT line. */
    public static List<Labelled> run(PrintStream out, Path modelDir, List<String> texts) throws IOException {
        SavedTextClassifier clf = SavedTextClassifier.load(modelDir);
        Object dataset = clf.info().getOrDefault("dataset", "?");
        String arch = SavedTextClassifier.BILSTM.equals(clf.architecture()) ? "BiLSTM" : "TextCNN";
        out.printf(Locale.ROOT, "Model: %s (%s, classes %s, %s tokenizer, first %d words) from %s%n", arch, dataset,
                clf.classes(), clf.tokenizerName(), clf.maxLength(), modelDir);
        List<SavedTextClassifier.Prediction> preds = clf.classify(texts);
        int width = clf.classes().stream().mapToInt(String::length).max().orElse(5);
        List<Labelled> result = new ArrayList<>(texts.size());
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String c : clf.classes()) counts.put(c, 0);
        for (int i = 0; i < texts.size(); i++) {
            var p = preds.get(i);
            out.printf(Locale.ROOT, "%-" + width + "s  %.4f  %s%n", p.label(), p.probability(), preview(texts.get(i)));
            counts.merge(p.label(), 1, Integer::sum);
            result.add(new Labelled(texts.get(i), p));
        }
        StringBuilder sb = new StringBuilder("RESULT classify texts=" + texts.size());
        for (var e : counts.entrySet()) sb.append(' ').append(e.getKey().replace(' ', '_')).append('=').append(e.getValue());
        if (texts.size() == 1) sb.append(String.format(Locale.ROOT, " label=%s probability=%.4f",
                preds.get(0).label().replace(' ', '_'), preds.get(0).probability()));
        out.println(sb);
        return result;
    }

    /** The text on one line, cut to 80 characters. */
    static String preview(String text) {
        String one = text.strip().replaceAll("\\s+", " ");
        return one.length() <= 80 ? one : one.substring(0, 77) + "...";
    }

    private static List<String> readLines(InputStream in) throws IOException {
        List<String> out = new ArrayList<>();
        var r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line; (line = r.readLine()) != null; ) if (!line.isBlank()) out.add(line);
        return out;
    }
}
