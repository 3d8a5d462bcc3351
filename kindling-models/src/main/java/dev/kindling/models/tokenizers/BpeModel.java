// BpeModel: byte-pair encoding as in Hugging Face tokenizers (GPT-2, RoBERTa, Llama): a word starts as one
// symbol per char and the lowest-ranked adjacent pair is merged until none is left. Merge ranks live in a
// primitive long->long map, the merge loop uses a primitive heap over linked symbols, and each distinct word is
// cached, so encoding megabytes of text allocates little.
package dev.kindling.models.tokenizers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** BPE model (HF {@code models.BPE}). */
final class BpeModel extends Models.VocabModel {
    final List<String[]> merges;      // in rank order
    private final PairMap mergeMap;   // (left id, right id) -> (rank << 32 | merged id)
    final String unkToken;
    final String prefix;              // continuing_subword_prefix
    final String suffix;              // end_of_word_suffix
    final boolean fuseUnk;
    final boolean byteFallback;
    final boolean ignoreMerges;
    private final int[] bmpCharIds;   // single-char token ids when there is no prefix/suffix, -1 if absent
    private final int[] byteIds;      // ids of "<0xXX>" byte-fallback tokens, -1 if absent
    private final Models.WordCache cache = new Models.WordCache(this::merge);

    BpeModel(Map<String, Integer> vocab, List<String[]> merges, String unkToken, String prefix, String suffix,
             boolean fuseUnk, boolean byteFallback, boolean ignoreMerges) {
        super(new java.util.HashMap<>(vocab));
        this.merges = List.copyOf(merges);
        this.unkToken = unkToken;
        this.prefix = prefix;
        this.suffix = suffix;
        this.fuseUnk = fuseUnk;
        this.byteFallback = byteFallback;
        this.ignoreMerges = ignoreMerges;
        this.mergeMap = new PairMap(merges.size() * 2 + 16);
        int prefixLen = prefix == null ? 0 : prefix.length();
        for (int rank = 0; rank < merges.size(); rank++) {
            String a = merges.get(rank)[0], b = merges.get(rank)[1];
            Integer ia = vocab.get(a), ib = vocab.get(b);
            String merged = a + (prefixLen > 0 && b.startsWith(prefix) ? b.substring(prefixLen) : b);
            Integer im = vocab.get(merged);
            if (ia == null || ib == null || im == null) {
                String missing = ia == null ? a : ib == null ? b : merged;
                throw new TokenizerFormatException("BPE: merge " + rank + " [\"" + a + "\", \"" + b
                        + "\"] uses token \"" + missing + "\" which is not in model.vocab");
            }
            mergeMap.put(key(ia, ib), (long) rank << 32 | im);
        }
        if (prefix == null && suffix == null) {
            bmpCharIds = new int[0x10000];
            Arrays.fill(bmpCharIds, -1);
            for (Map.Entry<String, Integer> e : vocab.entrySet()) {
                if (e.getKey().length() == 1) bmpCharIds[e.getKey().charAt(0)] = e.getValue();
            }
        } else {
            bmpCharIds = null;
        }
        byteIds = new int[256];
        for (int b = 0; b < 256; b++) {
            Integer id = vocab.get(String.format("<0x%02X>", b));
            byteIds[b] = id == null ? -1 : id;
        }
    }

    static BpeModel fromJson(Map<String, Object> m) {
        Map<String, Integer> vocab = Models.readVocab(m, "model.vocab");
        List<String[]> merges = new ArrayList<>();
        Object raw = m.get("merges");
        if (raw == null) throw new TokenizerFormatException("tokenizer.json: missing \"model.merges\" for a BPE model");
        List<Object> list = JsonFields.list(m, "merges", "model");
        for (int i = 0; i < list.size(); i++) {
            Object o = list.get(i);
            if (o instanceof String s) {
                int sp = s.indexOf(' ');
                if (sp < 0 || s.indexOf(' ', sp + 1) >= 0) throw new TokenizerFormatException("tokenizer.json: "
                        + "\"model.merges[" + i + "]\" must be two tokens separated by one space, got \"" + s + "\"");
                merges.add(new String[] {s.substring(0, sp), s.substring(sp + 1)});
            } else if (o instanceof List<?> pair && pair.size() == 2 && pair.get(0) instanceof String a
                    && pair.get(1) instanceof String b) {
                merges.add(new String[] {a, b});
            } else {
                throw new TokenizerFormatException("tokenizer.json: \"model.merges[" + i + "]\" must be \"a b\" or"
                        + " [\"a\", \"b\"], got " + JsonFields.describe(o));
            }
        }
        Object dropout = m.get("dropout");
        if (dropout instanceof Number d && d.doubleValue() > 0) {
            throw new TokenizerFormatException("tokenizer.json: \"model.dropout\" = " + d + " is not supported"
                    + " (BPE-dropout is a training-time augmentation; use null)");
        }
        return new BpeModel(vocab, merges, JsonFields.optString(m, "unk_token", "model"),
                JsonFields.optString(m, "continuing_subword_prefix", "model"),
                JsonFields.optString(m, "end_of_word_suffix", "model"), JsonFields.bool(m, "fuse_unk", false),
                JsonFields.bool(m, "byte_fallback", false), JsonFields.bool(m, "ignore_merges", false));
    }

    private static long key(int a, int b) {
        return (long) a << 32 | (b & 0xFFFFFFFFL);
    }

    @Override
    public Models.Tokens tokenize(String word) {
        if (word.isEmpty()) return Models.Tokens.EMPTY;
        if (ignoreMerges) {
            Integer id = vocab.get(word);
            if (id != null) return Models.Tokens.single(id, word.length());
        }
        return cache.tokens(word);
    }

    /** Initial symbols (one per char, or byte-fallback/unk), then merges by rank. */
    private Models.Tokens merge(String word) {
        int n = word.length();
        int cap = n + 4;
        int[] id = new int[cap], st = new int[cap], en = new int[cap];
        int count = 0;
        int unkId = unkToken == null || vocab.get(unkToken) == null ? -1 : vocab.get(unkToken);
        boolean lastWasUnk = false;
        for (int i = 0; i < n; ) {
            int cp = word.codePointAt(i);
            int len = Character.charCount(cp);
            boolean first = i == 0, last = i + len == n;
            int tok = charId(word, i, len, first, last);
            if (tok >= 0) {
                if (count + 1 > id.length) { id = grow(id); st = grow(st); en = grow(en); }
                id[count] = tok; st[count] = i; en[count] = i + len; count++;
                lastWasUnk = false;
            } else if (byteFallback && allBytesKnown(cp)) {
                byte[] bytes = Character.toString(cp).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                for (int k = 0; k < bytes.length; k++) {
                    if (count + 1 > id.length) { id = grow(id); st = grow(st); en = grow(en); }
                    id[count] = byteIds[bytes[k] & 0xFF];
                    st[count] = k == 0 ? i : i + len; // the first byte carries the char's span
                    en[count] = i + len;
                    count++;
                }
                lastWasUnk = false;
            } else if (unkId >= 0) {
                if (fuseUnk && lastWasUnk) {
                    en[count - 1] = i + len;
                } else {
                    if (count + 1 > id.length) { id = grow(id); st = grow(st); en = grow(en); }
                    id[count] = unkId; st[count] = i; en[count] = i + len; count++;
                }
                lastWasUnk = true;
            } // else: no unk token -> the char is dropped, as in HF
            i += len;
        }
        // merge loop over a linked list of symbols with a min-heap of (rank, position)
        int[] next = new int[count], prev = new int[count];
        boolean[] dead = new boolean[count];
        for (int s = 0; s < count; s++) { next[s] = s + 1 < count ? s + 1 : -1; prev[s] = s - 1; }
        LongHeap heap = new LongHeap(count + 4);
        for (int s = 0; s + 1 < count; s++) {
            long m = mergeMap.get(key(id[s], id[s + 1]));
            if (m >= 0) heap.push((m >>> 32) << 32 | s);
        }
        while (!heap.isEmpty()) {
            long top = heap.pop();
            int pos = (int) top, rank = (int) (top >>> 32);
            if (dead[pos] || next[pos] < 0) continue;
            int nx = next[pos];
            long m = mergeMap.get(key(id[pos], id[nx]));
            if (m < 0 || (int) (m >>> 32) != rank) continue; // stale entry: the pair changed since it was pushed
            id[pos] = (int) m;
            en[pos] = en[nx];
            dead[nx] = true;
            next[pos] = next[nx];
            if (next[nx] >= 0) prev[next[nx]] = pos;
            if (prev[pos] >= 0) {
                long pm = mergeMap.get(key(id[prev[pos]], id[pos]));
                if (pm >= 0) heap.push((pm >>> 32) << 32 | prev[pos]);
            }
            if (next[pos] >= 0) {
                long nm = mergeMap.get(key(id[pos], id[next[pos]]));
                if (nm >= 0) heap.push((nm >>> 32) << 32 | pos);
            }
        }
        int alive = 0;
        for (int s = 0; s < count; s++) if (!dead[s]) alive++;
        int[] ids = new int[alive], starts = new int[alive], ends = new int[alive];
        for (int s = 0, k = 0; s < count; s++) {
            if (dead[s]) continue;
            ids[k] = id[s]; starts[k] = st[s]; ends[k] = en[s]; k++;
        }
        return new Models.Tokens(ids, starts, ends);
    }

    private int charId(String word, int i, int len, boolean first, boolean last) {
        if (bmpCharIds != null && len == 1) return bmpCharIds[word.charAt(i)];
        String s = word.substring(i, i + len);
        if (prefix != null && !first) s = prefix + s;
        if (suffix != null && last) s = s + suffix;
        Integer v = vocab.get(s);
        return v == null ? -1 : v;
    }

    private boolean allBytesKnown(int cp) {
        for (byte b : Character.toString(cp).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            if (byteIds[b & 0xFF] < 0) return false;
        }
        return true;
    }

    private static int[] grow(int[] a) {
        return Arrays.copyOf(a, a.length * 2);
    }

    @Override
    public Map<String, Object> toJson() {
        Map<String, Object> m = JsonFields.typed("BPE");
        m.put("dropout", null);
        m.put("unk_token", unkToken);
        m.put("continuing_subword_prefix", prefix);
        m.put("end_of_word_suffix", suffix);
        m.put("fuse_unk", fuseUnk);
        m.put("byte_fallback", byteFallback);
        m.put("ignore_merges", ignoreMerges);
        m.put("vocab", vocab());
        List<Object> ms = new ArrayList<>(merges.size());
        for (String[] p : merges) ms.add(List.of(p[0], p[1]));
        m.put("merges", ms);
        return m;
    }

    /** Open-addressing long -> long map (keys >= 0; get returns -1 when absent). */
    static final class PairMap {
        private long[] keys;
        private long[] vals;
        private int mask;

        PairMap(int expected) {
            int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
            keys = new long[cap];
            vals = new long[cap];
            Arrays.fill(keys, -1L);
            mask = cap - 1;
        }

        private static int slot(long k) {
            long h = k * 0x9E3779B97F4A7C15L;
            return (int) (h ^ (h >>> 29));
        }

        void put(long k, long v) {
            int i = slot(k) & mask;
            while (keys[i] != -1L && keys[i] != k) i = (i + 1) & mask;
            keys[i] = k;
            vals[i] = v;
        }

        long get(long k) {
            int i = slot(k) & mask;
            while (true) {
                long kk = keys[i];
                if (kk == k) return vals[i];
                if (kk == -1L) return -1L;
                i = (i + 1) & mask;
            }
        }
    }

    /** Binary min-heap of longs. */
    static final class LongHeap {
        private long[] a;
        private int size;

        LongHeap(int cap) {
            a = new long[Math.max(4, cap)];
        }

        boolean isEmpty() {
            return size == 0;
        }

        void push(long v) {
            if (size == a.length) a = Arrays.copyOf(a, size * 2);
            int i = size++;
            while (i > 0) {
                int p = (i - 1) >>> 1;
                if (a[p] <= v) break;
                a[i] = a[p];
                i = p;
            }
            a[i] = v;
        }

        long pop() {
            long top = a[0];
            long v = a[--size];
            int i = 0;
            while (true) {
                int c = 2 * i + 1;
                if (c >= size) break;
                if (c + 1 < size && a[c + 1] < a[c]) c++;
                if (a[c] >= v) break;
                a[i] = a[c];
                i = c;
            }
            a[i] = v;
            return top;
        }
    }
}
