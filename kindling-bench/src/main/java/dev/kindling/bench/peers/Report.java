// Report: turns the peer-benchmark figures into the Markdown tables (summary: Kindling vs the best peer per
// workload; detail: every system with its thread setting, spread and peak RSS) and the JSON document of PeersBench.
// numpy is the SGEMM ceiling, shown but not counted as a peer.
package dev.kindling.bench.peers;

import dev.kindling.bench.peers.PeersBench.Figure;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Markdown and JSON views of a list of merged figures. */
final class Report {
    private Report() {}

    /** Counts for the final RESULT line: rows, rows with a peer, rows Kindling leads, the smallest ratio. */
    record Summary(int rows, int compared, int leads, double minRatio) {}

    /** One workload row: Kindling's figure, the best peer's (null if none ran), numpy's (SGEMM only). */
    record Row(String bench, Figure kindling, Figure bestPeer, Figure ceiling) {
        double ratio() {
            return kindling == null || bestPeer == null ? Double.NaN : kindling.median() / bestPeer.median();
        }
    }

    static List<Row> rows(List<Figure> figures) {
        Map<String, List<Figure>> by = new LinkedHashMap<>();
        for (Figure f : figures) by.computeIfAbsent(f.bench(), k -> new ArrayList<>()).add(f);
        List<Row> rows = new ArrayList<>();
        for (var e : by.entrySet()) {
            Figure k = null, best = null, ceil = null;
            for (Figure f : e.getValue()) {
                if (f.system().equals("kindling")) k = f;
                else if (f.system().equals("numpy")) ceil = f;
                else if (best == null || f.median() > best.median()) best = f;
            }
            rows.add(new Row(e.getKey(), k, best, ceil));
        }
        rows.sort(Comparator.comparingInt(r -> order(r.bench)));
        return rows;
    }

    /** Table order: the WORKLOADS order, SGEMM sizes ascending. */
    private static int order(String bench) {
        if (bench.startsWith("sgemm-")) return Integer.parseInt(bench.substring(6));
        int i = PeersBench.WORKLOADS.indexOf(bench);
        return 100_000 + (i < 0 ? 99 : i);
    }

    static Summary summary(List<Figure> figures) {
        int rows = 0, compared = 0, leads = 0;
        double min = Double.NaN;
        for (Row r : rows(figures)) {
            rows++;
            double q = r.ratio();
            if (Double.isNaN(q)) continue;
            compared++;
            if (q >= 1) leads++;
            min = Double.isNaN(min) ? q : Math.min(min, q);
        }
        return new Summary(rows, compared, leads, min);
    }

    static String markdown(List<Figure> figures, Map<String, String> failures) {
        StringBuilder sb = new StringBuilder();
        sb.append("| workload | unit | Kindling | best peer | ratio Kindling / best peer | Kindling RSS MB | best peer RSS MB | numpy ceiling |\n");
        sb.append("|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows(figures)) {
            Figure any = r.kindling != null ? r.kindling : r.bestPeer != null ? r.bestPeer : r.ceiling;
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s |%n", r.bench, any.unit(),
                    r.kindling == null ? "–" : cell(r.kindling),
                    r.bestPeer == null ? "–" : r.bestPeer.system() + " " + cell(r.bestPeer),
                    Double.isNaN(r.ratio()) ? "–" : String.format(Locale.ROOT, "**%.2f**", r.ratio()),
                    rss(r.kindling), rss(r.bestPeer), r.ceiling == null ? "–" : cell(r.ceiling)));
        }
        sb.append("\nAll systems (median of the reps, min..max; peak RSS of the whole process):\n\n");
        sb.append("| workload | system | threads | median | min..max | peak RSS MB |\n|---|---|---|---|---|---|\n");
        List<Figure> sorted = new ArrayList<>(figures);
        sorted.sort(Comparator.comparingInt((Figure f) -> order(f.bench())).thenComparing(f -> -f.median()));
        for (Figure f : sorted) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s %s | %s..%s | %s |%n", f.bench(), f.system(), f.threads(),
                    PeersBench.fmt(f.median()), f.unit(), PeersBench.fmt(f.min()), PeersBench.fmt(f.max()), rss(f)));
        }
        if (!failures.isEmpty()) {
            sb.append("\nDid not run:\n\n");
            failures.forEach((k, v) -> sb.append("- ").append(k).append(": ").append(v).append('\n'));
        }
        return sb.toString();
    }

    private static String cell(Figure f) {
        return String.format(Locale.ROOT, "%s (%s..%s) [%s]", PeersBench.fmt(f.median()), PeersBench.fmt(f.min()),
                PeersBench.fmt(f.max()), f.threads());
    }

    private static String rss(Figure f) {
        return f == null || Double.isNaN(f.rssMb()) || f.rssMb() < 0 ? "–" : String.format(Locale.ROOT, "%.0f", f.rssMb());
    }

    static Map<String, Object> json(List<Figure> figures, Map<String, String> failures, PeersBench.Options o, String load) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("reps", o.reps);
        doc.put("rounds", o.rounds);
        doc.put("threads", o.threads);
        doc.put("scale", o.scale);
        doc.put("loadAtEnd", load);
        doc.put("java", System.getProperty("java.version"));
        List<Object> rows = new ArrayList<>();
        for (Row r : rows(figures)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("workload", r.bench);
            m.put("kindling", r.kindling == null ? null : r.kindling.median());
            m.put("bestPeer", r.bestPeer == null ? null : r.bestPeer.system());
            m.put("bestPeerValue", r.bestPeer == null ? null : r.bestPeer.median());
            m.put("ratio", Double.isNaN(r.ratio()) ? null : r.ratio());
            rows.add(m);
        }
        doc.put("summary", rows);
        List<Object> all = new ArrayList<>();
        for (Figure f : figures) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("workload", f.bench());
            m.put("system", f.system());
            m.put("unit", f.unit());
            m.put("threads", f.threads());
            m.put("median", f.median());
            m.put("min", f.min());
            m.put("max", f.max());
            m.put("values", f.values());
            m.put("peakRssMb", Double.isNaN(f.rssMb()) || f.rssMb() < 0 ? null : f.rssMb());
            all.add(m);
        }
        doc.put("figures", all);
        doc.put("failures", failures);
        return doc;
    }
}
