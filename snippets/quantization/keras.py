# Keras 3 quantizes a built model in place on every backend: model.quantize("int8") stores each Dense kernel
# as int8 with per-output-channel scales and quantizes the layer's inputs per row at run time.
import numpy as np
import keras
from keras import layers

rng = np.random.default_rng(0)
x = rng.normal(size=(256, 16)).astype("float32")                # self-made inputs, 4 classes out
shapes = [(16, 64), (64,), (64, 64), (64,), (64, 4), (4,)]
weights = [(rng.normal(size=s) * (np.sqrt(2 / s[0]) if len(s) == 2 else 0.1)).astype("float32") for s in shapes]

model = keras.Sequential([keras.Input(shape=(16,)), layers.Dense(64, activation="relu"),
                          layers.Dense(64, activation="relu"), layers.Dense(4)])
model.set_weights(weights)
reference = model.predict(x, verbose=0)

model.quantize("int8")
kernel = model.layers[0].kernel                                 # now the int8 kernel (plus kernel_scale)
print("backend:", keras.backend.backend(), "| first layer kernel:", keras.backend.standardize_dtype(kernel.dtype),
      "| policy:", model.layers[0].dtype_policy.name)
quantized = model.predict(x, verbose=0)

error = float(np.abs(quantized - reference).mean() / np.abs(reference).mean())   # relative to typical output
worst = float(np.abs(quantized - reference).max() / np.abs(reference).max())
agreement = float((quantized.argmax(1) == reference.argmax(1)).mean())          # same predicted class
print(f"int8 vs float: mean error {error:.2%}, worst {worst:.2%} (of the output scale); top-1 agreement {agreement:.1%}")

RESULT = {"float": reference[:4].tolist(), "int8_weights": keras.backend.standardize_dtype(kernel.dtype) == "int8",
          "mean_error_below_5pct": error < 0.05, "top1_agreement_above_95pct": agreement > 0.95}
METRICS = {"mean_rel_error": error, "max_rel_error": worst, "top1_agreement": agreement}
