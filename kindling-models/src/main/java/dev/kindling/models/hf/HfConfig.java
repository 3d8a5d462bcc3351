// HfConfig: a Hugging Face config.json, parsed once and read with typed getters whose errors name the file and key.
// Model-specific configs (LlamaConfig, BertConfig, GPT2Config) are built from it; unknown keys are ignored.
package dev.kindling.models.hf;

import dev.kindling.io.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A parsed {@code config.json}.
 *
 * <p>Example:
 * <pre>{@code
 * HfConfig cfg = HfConfig.read(Path.of("models/llama"));     // the folder or the config.json file itself
 * cfg.modelType();                                          // "llama"
 * int layers = cfg.requireInt("num_hidden_layers");
 * }</pre>
 */
public final class HfConfig {
    private final Path source;
    private final Map<String, Object> map;

    /** Wraps an already parsed object; {@code source} names it in error messages (may be null). */
    public HfConfig(Map<String, Object> map, Path source) {
        this.map = Collections.unmodifiableMap(new LinkedHashMap<>(map));
        this.source = source;
    }

    /** Reads {@code dirOrFile} ({@code <dir>/config.json}, or the JSON file itself). */
    public static HfConfig read(Path dirOrFile) throws IOException {
        Path file = Files.isDirectory(dirOrFile) ? dirOrFile.resolve("config.json") : dirOrFile;
        if (!Files.isRegularFile(file)) throw new IOException("HfConfig: " + file + " not found (a Hugging Face model "
                + "folder holds config.json next to model.safetensors)");
        String text = Files.readString(file, StandardCharsets.UTF_8);
        try {
            return new HfConfig(Json.parseObject(text), file);
        } catch (Json.JsonException e) {
            throw new IOException("HfConfig: " + file + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    /** The file it was read from (null when built from a map). */
    public Path source() {
        return source;
    }

    /** Every key, as parsed (read-only). */
    public Map<String, Object> map() {
        return map;
    }

    /** {@code model_type} (e.g. "llama", "gpt2", "bert"), or "" when absent. */
    public String modelType() {
        return getString("model_type", "");
    }

    /** Whether {@code key} is present and not null. */
    public boolean has(String key) {
        return map.get(key) != null;
    }

    /** An integer entry, or {@code dflt} when absent or null. */
    public int getInt(String key, int dflt) {
        return wrap(() -> {
            long v = Json.getLong(map, key, dflt);
            if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw new IllegalArgumentException("JSON key \"" + key
                    + "\": " + v + " does not fit an int");
            return (int) v;
        });
    }

    /** An integer entry that must be present. */
    public int requireInt(String key) {
        require(key);
        return getInt(key, 0);
    }

    /** A number, or {@code dflt} when absent or null. */
    public double getDouble(String key, double dflt) {
        return wrap(() -> Json.getDouble(map, key, dflt));
    }

    /** A string, or {@code dflt} when absent or null. */
    public String getString(String key, String dflt) {
        return wrap(() -> Json.getString(map, key, dflt));
    }

    /** A boolean, or {@code dflt} when absent or null. */
    public boolean getBoolean(String key, boolean dflt) {
        return wrap(() -> Json.getBoolean(map, key, dflt));
    }

    /** A nested object (e.g. {@code rope_scaling}), or null when absent or null. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> getObject(String key) {
        Object v = map.get(key);
        if (v == null) return null;
        if (v instanceof Map<?, ?> m) return (Map<String, Object>) m;
        throw error("key \"" + key + "\": expected an object, got " + v);
    }

    private void require(String key) {
        if (!has(key)) throw error("missing required key \"" + key + "\"");
    }

    private <T> T wrap(java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
    }

    /** An error that names the config file. */
    public IllegalArgumentException error(String what) {
        return new IllegalArgumentException("config " + (source == null ? "(in memory)" : source.toString()) + ": "
                + what);
    }
}
