/**
 * Text tokenizers: Hugging Face {@code tokenizer.json} pipelines ({@link dev.kindling.models.tokenizers.HfTokenizer}:
 * byte-level BPE, WordPiece, WordLevel), the original GPT-2 files ({@link dev.kindling.models.tokenizers.Gpt2Tokenizer}),
 * BERT {@code vocab.txt} ({@link dev.kindling.models.tokenizers.WordPieceTokenizer}), character and word vocabularies,
 * and BPE / WordPiece trainers. All implement {@link dev.kindling.models.tokenizers.Tokenizer}.
 */
package dev.kindling.models.tokenizers;
