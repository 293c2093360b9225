# tf.distribute.MirroredStrategy replicates variables on every local GPU (or uses the CPU when
# there is none); strategy.run executes the step per replica and gradients are all-reduced.
import numpy as np
import tensorflow as tf

rng = np.random.default_rng(0)
x = rng.normal(size=(8, 3)).astype(np.float32)
y = rng.normal(size=(8, 2)).astype(np.float32)
w0, b0 = rng.normal(size=(3, 2)).astype(np.float32), np.zeros(2, np.float32)
GLOBAL_BATCH, LR = 8, 0.1

strategy = tf.distribute.MirroredStrategy()
print("replicas:", strategy.num_replicas_in_sync, "| devices:", strategy.extended.worker_devices)
with strategy.scope():                                         # variables become MirroredVariables
    w = tf.Variable(w0, aggregation=tf.VariableAggregation.MEAN)
    b = tf.Variable(b0, aggregation=tf.VariableAggregation.MEAN)
batches = strategy.experimental_distribute_dataset(
    tf.data.Dataset.from_tensor_slices((x, y)).batch(GLOBAL_BATCH))  # splits each batch over replicas

def replica_step(xb, yb):
    with tf.GradientTape() as tape:
        per_example = tf.reduce_mean(tf.square(xb @ w + b - yb), axis=1)
        loss = tf.nn.compute_average_loss(per_example, global_batch_size=GLOBAL_BATCH)
    grads = tape.gradient(loss, [w, b])
    grads = tf.distribute.get_replica_context().all_reduce("sum", grads)
    for var, g in zip([w, b], grads):
        var.assign_sub(LR * g)
    return loss

@tf.function
def train_step(batch):
    return strategy.reduce("sum", strategy.run(replica_step, args=batch), axis=None)

for batch in batches:                                          # one batch = one step
    print("loss:", float(train_step(batch)))
print("updated kernel:", w.numpy().tolist())

RESULT = {"kernel": w.numpy().tolist(), "bias": b.numpy().tolist()}
