# A model with two named inputs built with the Keras Functional API: each input has its own Dense
# branch, the branches are concatenated, and a final Dense layer produces one output.
import numpy as np
import keras
from keras import layers

rng = np.random.default_rng(0)
f32 = lambda *shape: rng.standard_normal(shape).astype(np.float32)
Wa, ba, Wb, bb, Wo, bo = f32(4, 6), f32(6), f32(3, 6), f32(6), f32(12, 1), f32(1)
A, B = f32(5, 4), f32(5, 3)

input_a = keras.Input(shape=(4,), name="a")
input_b = keras.Input(shape=(3,), name="b")
ha = layers.Dense(6, activation="relu", name="branch_a")(input_a)
hb = layers.Dense(6, activation="relu", name="branch_b")(input_b)
output = layers.Dense(1, name="head")(layers.Concatenate()([ha, hb]))
model = keras.Model(inputs=[input_a, input_b], outputs=output)

for name, weights in [("branch_a", [Wa, ba]), ("branch_b", [Wb, bb]), ("head", [Wo, bo])]:
    model.get_layer(name).set_weights(weights)   # Dense kernels are (in, out) like the NumPy arrays

y = model.predict({"a": A, "b": B}, verbose=0)   # inputs can be passed by name or as a list [A, B]
print("backend:", keras.backend.backend())
print("output shape:", y.shape)
print("outputs:", np.round(y.astype(float).ravel(), 5).tolist())

RESULT = {"output": y.tolist()}
