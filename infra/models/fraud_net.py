"""A fraud model as Triton serves it: input scaling, dense ReLU layers and a sigmoid, in numpy.

train.py fits scikit-learn models on inputs scaled by `scale_inputs` and exports their weights
into this form; the Triton Python backend (triton_model.py) loads the same file. The served
model so needs nothing but numpy, and train.py checks that its scores equal scikit-learn's.
A logistic regression is the case with no hidden layer.
"""
import numpy as np


def signed_log(x):
    """log1p that keeps the sign: tames heavy-tailed counts and amounts, and keeps a negative
    daysSincePolicyStart (a claim before the policy started) distinct from zero."""
    return np.sign(x) * np.log1p(np.abs(x))


class FraudNet:
    def __init__(self, log_columns, mean, scale, weights, biases):
        self.log_columns = np.asarray(log_columns, dtype=bool)
        self.mean = np.asarray(mean, dtype=np.float64)
        self.scale = np.asarray(scale, dtype=np.float64)
        self.weights = [np.asarray(w, dtype=np.float64) for w in weights]
        self.biases = [np.asarray(b, dtype=np.float64) for b in biases]

    @classmethod
    def scaling_for(cls, x, log_columns):
        """A FraudNet with no layers yet whose scaling standardises the training inputs x."""
        logged = np.where(log_columns, signed_log(x), x)
        scale = logged.std(axis=0)
        return cls(log_columns, logged.mean(axis=0), np.where(scale > 0, scale, 1.0), [], [])

    def with_layers(self, weights, biases):
        return FraudNet(self.log_columns, self.mean, self.scale, weights, biases)

    def scale_inputs(self, x):
        x = np.asarray(x, dtype=np.float64)
        return (np.where(self.log_columns, signed_log(x), x) - self.mean) / self.scale

    def predict(self, x):
        """Fraud probability per row of x ([n, features]) as float32 [n, 1]."""
        h = self.scale_inputs(x)
        last = len(self.weights) - 1
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            h = h @ w + b
            if i < last:
                h = np.maximum(h, 0.0)
        # Sigmoid written through logaddexp so large logits neither overflow nor warn.
        return np.exp(-np.logaddexp(0.0, -h)).astype(np.float32)

    def save(self, path):
        layers = {f"w{i}": w for i, w in enumerate(self.weights)}
        layers.update({f"b{i}": b for i, b in enumerate(self.biases)})
        np.savez(path, log_columns=self.log_columns, mean=self.mean, scale=self.scale,
                 layer_count=len(self.weights), **layers)

    @classmethod
    def load(cls, path):
        with np.load(path) as f:
            count = int(f["layer_count"])
            return cls(f["log_columns"], f["mean"], f["scale"],
                       [f[f"w{i}"] for i in range(count)], [f[f"b{i}"] for i in range(count)])
