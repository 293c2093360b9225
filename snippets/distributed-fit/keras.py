# fit() over two CPU devices. TensorFlow backend:
# tf.distribute.MirroredStrategy; JAX backend:
# keras.distribution.DataParallel. Two steps,
# each global batch of 8 split 4 + 4.
import os
import numpy as np
import keras

BACKEND = keras.backend.backend()
if BACKEND == "tensorflow":
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    logical = tf.config.LogicalDeviceConfiguration()
    tf.config.set_logical_device_configuration(
        cpu, [logical] * 2)
    strategy = tf.distribute.MirroredStrategy(
        ["/cpu:0", "/cpu:1"])
    scope = strategy.scope()
    print("replicas:",
          strategy.num_replicas_in_sync)
else:  # jax
    import contextlib
    import jax
    jax.config.update("jax_num_cpu_devices", 2)
    devices = keras.distribution.list_devices()
    parallel = keras.distribution.DataParallel(
        devices=devices)
    keras.distribution.set_distribution(parallel)
    scope = contextlib.nullcontext()
    print("replicas:", len(devices))

rng = np.random.default_rng(0)
x = rng.normal(size=(16, 3)).astype("float32")
y = rng.normal(size=(16, 1)).astype("float32")
w0 = rng.normal(size=(3, 1)).astype("float32")

with scope:  # variables are mirrored/replicated
    model = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(1)])
    model.set_weights([w0, np.zeros(1, "float32")])
    model.compile(keras.optimizers.SGD(0.1), "mse")
print("jit_compile:", model.jit_compile)
model.fit(x, y, batch_size=8, shuffle=False,
          verbose=0)
kernel, bias = [w.tolist()
                for w in model.get_weights()]
print("kernel after 2 steps:",
      np.round(kernel, 6).ravel().tolist())

RESULT = {"kernel": kernel, "bias": bias}
