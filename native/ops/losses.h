// Losses over a batch, each returning the mean loss and writing dLoss/dpred into grad (same length as pred).
#pragma once
#include <cstdint>

namespace prunerl {

// Huber (smooth L1 for delta = 1, as torch.nn.functional.smooth_l1_loss with beta = 1), mean over n elements.
double huberLoss(const float* pred, const float* target, int64_t n, float delta, float* grad);
// Mean squared error, mean over n elements.
double mseLoss(const float* pred, const float* target, int64_t n, float* grad);
// Cross-entropy between target distributions [rows,atoms] and softmax(logits) [rows,atoms], mean over rows;
// grad = (softmax(logits) − target) / rows. Numerically stable (max subtracted).
double softmaxCrossEntropy(const float* logits, const float* target, int64_t rows, int64_t atoms, float* grad);
// Per-row weighted variant for prioritized replay: loss = Σ_r w_r·CE_r / rows; perRow (nullable) gets CE_r.
double softmaxCrossEntropyWeighted(const float* logits, const float* target, const float* weights, int64_t rows,
                                   int64_t atoms, float* grad, float* perRow);

}  // namespace prunerl
