// SafetensorsException: a malformed, truncated or unsupported .safetensors file.
package dev.kindling.io;

import java.io.IOException;

/** A .safetensors file that cannot be read; the message names the file and, where known, the tensor. */
public final class SafetensorsException extends IOException {
    public SafetensorsException(String message) {
        super(message);
    }

    public SafetensorsException(String message, Throwable cause) {
        super(message, cause);
    }
}
