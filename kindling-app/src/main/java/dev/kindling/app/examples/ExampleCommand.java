// ExampleCommand: `kindling example [NAME]`, the runnable examples of the training stack. Each example is
// its own picocli subcommand (one class per example); with no name, the examples are listed.
package dev.kindling.app.examples;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kindling example}: lists the examples; {@code kindling example NAME [options]} runs one. */
@Command(
        name = "example",
        mixinStandardHelpOptions = true,
        description = "Run an example end to end (no NAME: list them). Each ends with a RESULT line.",
        subcommands = {
            LinearRegression.class,
            TextClassification.class,
            SpamRnn.class,
            Sentiment.class,
            Boston.class,
            MemoryCheck.class,
            Mnist.class,
            FashionMnist.class,
            Minilm.class,
            Generate.class,
            SentimentTransfer.class,
            HelpCommand.class
        })
public final class ExampleCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        list(System.out);
        return CommandLine.ExitCode.OK;
    }

    /** Prints each example's name and one-line description. */
    void list(PrintStream out) {
        out.println("Examples (run one with: ./kindling example NAME, options with: ./kindling example NAME --help):");
        for (var e : spec.subcommands().entrySet()) {
            if (e.getKey().equals("help")) continue;
            String[] d = e.getValue().getCommandSpec().usageMessage().description();
            out.printf("  %-20s %s%n", e.getKey(), d.length > 0 ? d[0] : "");
        }
    }
}
