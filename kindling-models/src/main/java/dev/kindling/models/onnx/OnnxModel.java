// OnnxModel: a decoded ModelProto: format and producer versions, operator-set imports, metadata and the graph.
package dev.kindling.models.onnx;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An ONNX model as read by {@link OnnxModelReader}.
 *
 * @param opsets operator-set version per domain ("" is the default ONNX domain)
 * @param metadata the model's metadata_props
 */
public record OnnxModel(long irVersion, String producerName, String producerVersion, String domain,
        long modelVersion, Map<String, Long> opsets, Map<String, String> metadata, OnnxGraph graph) {

    public OnnxModel {
        opsets = Collections.unmodifiableMap(new LinkedHashMap<>(opsets));
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** Total number of elements over all initializers. */
    public long numInitializerElements() {
        long n = 0;
        for (OnnxTensor t : graph.initializers().values()) n += t.numel();
        return n;
    }
}
