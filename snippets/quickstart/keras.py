# Keras' own quickstart ("Introduction to Keras for engineers": a convnet on MNIST), as published, with random
# arrays of MNIST's shape in place of the download, fewer images and epochs (a few seconds on a CPU). The backend is
# chosen by KERAS_BACKEND (the tutorial sets it in the script; the site runs this file on each of the three).
# `model.fit` prints Keras' progress bar, with its colours.
import numpy as np
import keras

N_TRAIN, N_TEST, EPOCHS = 256, 64, 2
keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
# in the tutorial: (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train, y_train = rng.integers(0, 256, (N_TRAIN, 28, 28)), rng.integers(0, 10, N_TRAIN)
x_test, y_test = rng.integers(0, 256, (N_TEST, 28, 28)), rng.integers(0, 10, N_TEST)

# Scale images to the [0, 1] range
x_train = x_train.astype("float32") / 255
x_test = x_test.astype("float32") / 255
# Make sure images have shape (28, 28, 1)
x_train = np.expand_dims(x_train, -1)
x_test = np.expand_dims(x_test, -1)
print("x_train shape:", x_train.shape)
print("y_train shape:", y_train.shape)
print(x_train.shape[0], "train samples")
print(x_test.shape[0], "test samples")

# Model parameters (the tutorial's convnet has 64 and 128 filters; 16 and 32 here keep a CPU run to seconds)
num_classes = 10
input_shape = (28, 28, 1)

model = keras.Sequential(
    [
        keras.layers.Input(shape=input_shape),
        keras.layers.Conv2D(16, kernel_size=(3, 3), activation="relu"),
        keras.layers.Conv2D(16, kernel_size=(3, 3), activation="relu"),
        keras.layers.MaxPooling2D(pool_size=(2, 2)),
        keras.layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        keras.layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dropout(0.5),
        keras.layers.Dense(num_classes, activation="softmax"),
    ]
)

model.summary()

model.compile(
    loss=keras.losses.SparseCategoricalCrossentropy(),
    optimizer=keras.optimizers.Adam(learning_rate=1e-3),
    metrics=[
        keras.metrics.SparseCategoricalAccuracy(name="acc"),
    ],
)

batch_size = 128
epochs = EPOCHS  # the tutorial: 20, stopped early by EarlyStopping

callbacks = [
    keras.callbacks.ModelCheckpoint(filepath="model_at_epoch_{epoch}.keras"),
    keras.callbacks.EarlyStopping(monitor="val_loss", patience=2),
]

model.fit(
    x_train,
    y_train,
    batch_size=batch_size,
    epochs=epochs,
    validation_split=0.15,
    callbacks=callbacks,
)
score = model.evaluate(x_test, y_test, verbose=0)

model.save("final_model.keras")
model = keras.saving.load_model("final_model.keras")
predictions = model.predict(x_test)

RESULT = {"train_examples": len(x_train), "test_examples": len(x_test), "epochs": EPOCHS,
          "test_logits_shape": list(predictions.shape),
          "prediction_is_a_class": bool(0 <= int(predictions[0].argmax()) < num_classes)}
