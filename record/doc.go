// Package record is rankfile's shared vocabulary: the captures the archive
// hands to the extractor and the records the extractor hands to the index.
// It imports nothing of rankfile's own, so every stage can depend on it
// without depending on another stage.
package record
