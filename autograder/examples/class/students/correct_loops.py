# ruff: noqa
# fmt: off
# Correct, written differently: Python loops and log-sum-exp spelled out by hand.
# %% l3-softmax-solution
def softmax(z):
    out = np.empty(np.shape(z))
    for i, row in enumerate(np.asarray(z, dtype=float)):
        top = max(row)
        weights = [math.exp(value - top) for value in row]
        total = sum(weights)
        out[i] = [weight / total for weight in weights]
    return out
# %% l3-cross-entropy-solution
def cross_entropy(z, y):
    total = 0.0
    for row, label in zip(np.asarray(z, dtype=float), y):
        top = max(row)
        log_sum_exp = top + math.log(sum(math.exp(value - top) for value in row))
        total += log_sum_exp - row[label]
    return total / len(y)
# %% l3-grad-solution
def cross_entropy_grad(z, y):
    a = softmax(z)
    onehot = np.eye(a.shape[1])[y]
    return (a - onehot) / len(y)
