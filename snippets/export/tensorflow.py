# Export a tf.Module as a SavedModel (graph + variables, runnable from C++, TF Serving...) and
# convert it to a .tflite flatbuffer for on-device inference with the (Lite)RT interpreter.
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
x = rng.normal(size=(3, 4)).astype(np.float32)
weights = [rng.normal(size=s).astype(np.float32) for s in [(4, 8), (8,), (8, 2), (2,)]]

class MLP(tf.Module):
    def __init__(self):
        self.w1, self.b1, self.w2, self.b2 = (tf.Variable(w) for w in weights)

    @tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32)])   # batch left dynamic
    def __call__(self, x):
        return tf.nn.relu(x @ self.w1 + self.b1) @ self.w2 + self.b2

model = MLP()
original = model(x).numpy()
tf.saved_model.save(model, "mlp_savedmodel")
reloaded = tf.saved_model.load("mlp_savedmodel")               # no Python class needed
print("SavedModel output matches:", np.allclose(reloaded(x), original, atol=1e-5))

tflite_bytes = tf.lite.TFLiteConverter.from_saved_model("mlp_savedmodel").convert()
try:
    from ai_edge_litert.interpreter import Interpreter         # the LiteRT package, if installed
except ImportError:
    Interpreter = tf.lite.Interpreter                          # deprecated, still in TF 2.21
interpreter = Interpreter(model_content=tflite_bytes)
inp, out = interpreter.get_input_details()[0], interpreter.get_output_details()[0]
interpreter.resize_tensor_input(inp["index"], x.shape)         # the .tflite input is (1, 4) by default
interpreter.allocate_tensors()
interpreter.set_tensor(inp["index"], x)
interpreter.invoke()
exported = interpreter.get_tensor(out["index"])
print(f"tflite model: {len(tflite_bytes)} bytes, interpreter from {Interpreter.__module__}")
print("original:", original.tolist())
print("exported:", exported.tolist())
match = bool(np.allclose(original, exported, atol=1e-5))
print("artefact matches model:", match)

RESULT = {"original": original.tolist(), "exported": exported.tolist(), "match": match}
