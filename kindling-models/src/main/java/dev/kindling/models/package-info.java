/** Model architectures (vision, text, transformers), tokenizers and checkpoint importers built on kindling-core. */
package dev.kindling.models;
