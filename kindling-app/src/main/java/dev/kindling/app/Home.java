// Home: finds the Kindling checkout (for shipped data) from -Dkindling.home, the working directory
// or the location of the running jar.
package dev.kindling.app;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates files shipped in the repository, such as {@code data/mnist}. */
public final class Home {
    private Home() {}

    /** The path of {@code relative} under the Kindling home (falls back to the working directory). */
    public static Path resolve(String relative) {
        String prop = System.getProperty("kindling.home");
        if (prop != null && Files.exists(Path.of(prop, relative))) return Path.of(prop, relative);
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent())
            if (Files.exists(p.resolve(relative))) return p.resolve(relative);
        try {
            Path jar = Path.of(Home.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path p = jar; p != null; p = p.getParent()) if (Files.exists(p.resolve(relative))) return p.resolve(relative);
        } catch (Exception ignored) {
            // fall through to the working directory
        }
        return Path.of(relative);
    }
}
