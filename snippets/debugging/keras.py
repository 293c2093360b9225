# Debugging in Keras 3: keras.ops run eagerly outside of fit/predict, so values can be printed directly;
# a Functional model can expose an intermediate layer as an extra output.
import keras
import numpy as np

rng = np.random.default_rng(0)
x = rng.normal(size=(2, 4)).astype("float32")
w1, b1 = rng.normal(size=(4, 3)).astype("float32"), rng.normal(size=3).astype("float32")
w2, b2 = rng.normal(size=(3, 2)).astype("float32"), rng.normal(size=2).astype("float32")

# 1) A keras.ops computation evaluated eagerly: print shows the backend tensor with its values.
print("eager keras.ops hidden =", keras.ops.relu(keras.ops.matmul(x, w1) + b1))

# 2) A model whose hidden activation is a second output of a debugging model.
inputs = keras.Input(shape=(4,))
hidden = keras.layers.Dense(3, activation="relu", name="hidden")(inputs)
outputs = keras.layers.Dense(2, name="out")(hidden)
model = keras.Model(inputs, outputs)
model.get_layer("hidden").set_weights([w1, b1])
model.get_layer("out").set_weights([w2, b2])
debug_model = keras.Model(inputs, [hidden, outputs])  # shares the layers (and weights) of `model`
h, out = debug_model.predict(x, verbose=0)
print("backend:", keras.config.backend())
print("hidden =", h.tolist())
print("output =", out.tolist())
RESULT = {"hidden": h.tolist(), "output": out.tolist()}
