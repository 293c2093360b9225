# tf.distribute.ParameterServerStrategy on an
# in-process cluster (2 workers, 1 parameter
# server): variables live on the ps, and a
# ClusterCoordinator schedules each step on a
# worker.
import socket
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
x = rng.normal(size=(16, 3)).astype("float32")
y = rng.normal(size=(16, 1)).astype("float32")
w0 = rng.normal(size=(3, 1)).astype("float32")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


jobs = {"worker": 2, "ps": 1}
spec = {job: [f"localhost:{free_port()}"
              for _ in range(n)]
        for job, n in jobs.items()}
config = tf.compat.v1.ConfigProto()
# without this, the in-process cluster hangs
config.inter_op_parallelism_threads = 4
servers = [tf.distribute.Server(
    spec, job_name=job, task_index=i, config=config,
    protocol="grpc") for job, n in jobs.items()
    for i in range(n)]  # in this process, started
resolvers = tf.distribute.cluster_resolver
resolver = resolvers.SimpleClusterResolver(
    tf.train.ClusterSpec(spec), rpc_layer="grpc")
strategy = tf.distribute.ParameterServerStrategy(
    resolver)
coordinator = (
    tf.distribute.coordinator.ClusterCoordinator(
        strategy))

with strategy.scope():  # created on the ps
    w = tf.Variable(w0)
    b = tf.Variable(tf.zeros(1))
print("variables on:", w.device)


@tf.function
def step(i):
    xb = tf.constant(x)[i * 8:i * 8 + 8]
    yb = tf.constant(y)[i * 8:i * 8 + 8]
    with tf.GradientTape() as tape:
        err = xb @ w + b - yb
        loss = tf.reduce_mean(tf.square(err))
    gw, gb = tape.gradient(loss, [w, b])
    w.assign_sub(0.1 * gw)
    b.assign_sub(0.1 * gb)
    return loss


for i in range(2):  # join: one step at a time
    loss = coordinator.schedule(
        step, args=(tf.constant(i),))
    coordinator.join()
    print(f"step {i}: loss",
          round(float(loss.fetch()), 6))
kernel = w.numpy().tolist()
print("kernel after 2 steps:",
      np.round(kernel, 6).ravel().tolist())

RESULT = {"kernel": kernel,
          "bias": b.numpy().tolist()}
