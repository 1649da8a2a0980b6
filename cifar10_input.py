# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""The CIFAR-10 input pipeline: binary records in, batches of images out.

Training (`distorted_inputs`) and evaluation (`inputs`) both start from a
filename queue feeding a `FixedLengthRecordReader` (`read_cifar10`), and end
in a batching queue that `--num_preprocess_threads` threads fill. Training
distorts every image on its own with `tf.image`'s ops (a random 24x24 crop,
a left-right flip, brightness, contrast, standardization: `distort_image`),
then shuffles through a queue holding `min_fraction_of_examples_in_queue` of
an epoch; evaluation takes the central 24x24 and standardizes it, in file
order. Training reads `--records_per_read` records at once and maps
`distort_image` over them, image by image; 1 reads them one at a time.

With --deterministic (and --seed), the batches repeat bit for bit from run
to run: one thread reads, distorts and shuffles in a fixed order, and the
training step only dequeues (`_repeatable_shuffle_batch`).

`--input_pipeline=tf_data` feeds the same functions from tf.data instead
(cifar10_dataset.py). What files make up a split, and the checks that stop
a script on bad data before any queue starts, are in cifar10_data.py.
"""

import os

import tensorflow as tf

import cifar10_data
import cifar10_dataset

FLAGS = tf.compat.v1.flags.FLAGS

# The model sees 24x24 crops of the 32x32 records. The size fixes the shape
# of local3's weights: change it and earlier checkpoints no longer fit.
IMAGE_SIZE = 24

# The data set.
NUM_CLASSES = 10
NUM_EXAMPLES_PER_EPOCH_FOR_TRAIN = 50000
NUM_EXAMPLES_PER_EPOCH_FOR_EVAL = 10000

# Flags of the input pipeline.
tf.compat.v1.flags.DEFINE_float(
    'min_fraction_of_examples_in_queue', 0.4,
    'Share of an epoch of training images that the shuffling queue holds '
    'before the first step: 0.4 is 20,000 images. Lower it for quick runs.',
    lower_bound=0.0, upper_bound=1.0)
tf.compat.v1.flags.DEFINE_integer(
    'num_preprocess_threads', None,
    'Threads that read, distort and enqueue images. Default: 16 when a GPU '
    'is visible; otherwise one per CPU core (at least 2), since the threads '
    'then share the cores with the model.', lower_bound=1)
tf.compat.v1.flags.DEFINE_integer(
    'records_per_read', 128,
    'Training records a preprocessing thread reads at once; each image of '
    'them then goes through distort_image() on its own. 1 reads one record '
    'at a time, as the tutorial did: the same images, more CPU time each.',
    lower_bound=1)
tf.compat.v1.flags.DEFINE_enum(
    'input_pipeline', 'queues', ['queues', 'tf_data'],
    'How images reach the model: "queues", the tutorial\'s reader and '
    'batching queues, or "tf_data", the same reading, distortions and '
    'shuffle depth built from tf.data.')


class CIFAR10Record(object):
  """One example from `read_cifar10`.

  Attributes:
    height, width, depth: 32, 32 and 3.
    key: string Tensor naming the file and the record's place in it.
    label: int32 Tensor [1], the class.
    uint8image: uint8 Tensor [32, 32, 3], channels last.
  """
  height = cifar10_data.HEIGHT
  width = cifar10_data.WIDTH
  depth = cifar10_data.DEPTH

  def __init__(self, key, label, uint8image):
    self.key = key
    self.label = label
    self.uint8image = uint8image


def read_cifar10(filename_queue, num_records=None):
  """Builds the ops that read the next record of the queue's files.

  The files have no header or footer: every record has the same length.
  Each call makes a reader of its own, so that threads which each call it
  read different files, or different places in one, and mix the examples
  better.

  Args:
    filename_queue: Queue of file-name strings.
    num_records: None to read one record, as the tutorial does; or read up
      to this many consecutive records at once (fewer at the end of a
      file), and every field gains a first dimension, n.

  Returns:
    A CIFAR10Record: label int32 [1] and uint8image [32, 32, 3], or [n, 1]
    and [n, 32, 32, 3].
  """
  fmt = cifar10_data.record_format()
  reader = tf.compat.v1.FixedLengthRecordReader(record_bytes=fmt.record_bytes)
  depth_major = [CIFAR10Record.depth, CIFAR10Record.height,
                 CIFAR10Record.width]
  if num_records is None:
    key, value = reader.read(filename_queue)
    raw = tf.io.decode_raw(value, tf.uint8)
    label = tf.reshape(tf.cast(raw[fmt.label_index], tf.int32), [1])
    # The planes are stored one colour after another: move colour last.
    planes = tf.reshape(raw[fmt.label_bytes:fmt.record_bytes], depth_major)
    return CIFAR10Record(key, label, tf.transpose(planes, [1, 2, 0]))
  keys, values = reader.read_up_to(filename_queue, num_records)
  raw = tf.reshape(tf.io.decode_raw(values, tf.uint8), [-1, fmt.record_bytes])
  labels = tf.cast(raw[:, fmt.label_index:fmt.label_index + 1], tf.int32)
  planes = tf.reshape(raw[:, fmt.label_bytes:], [-1] + depth_major)
  return CIFAR10Record(keys, labels, tf.transpose(planes, [0, 2, 3, 1]))


def preprocess_thread_count():
  """--num_preprocess_threads, or the default for this machine."""
  if FLAGS.num_preprocess_threads:
    return FLAGS.num_preprocess_threads
  if tf.config.list_physical_devices('GPU'):
    return 16
  return max(2, min(16, os.cpu_count() or 2))


def _generate_image_and_label_batch(image, label, min_queue_examples,
                                    batch_size, shuffle, enqueue_many=False,
                                    allow_smaller_final_batch=False):
  """Batches examples through a queue that preprocessing threads fill.

  Args:
    image: float32 Tensor [height, width, 3], or [n, height, width, 3] with
      `enqueue_many`.
    label: int32 Tensor [1], or [n, 1] with `enqueue_many`.
    min_queue_examples: Examples a shuffling queue keeps after each dequeue;
      the queue holds that many plus three batches.
    batch_size: Examples per batch.
    shuffle: Draw batches at random from the queue (training), or in the
      order the examples arrive (evaluation).
    enqueue_many: `image` and `label` hold several examples each.
    allow_smaller_final_batch: For a finite input: end with a short batch
      rather than dropping the last examples. One thread then keeps the
      file order.

  Returns:
    images: float32 Tensor [batch_size, height, width, 3].
    labels: int32 Tensor [batch_size].
  """
  threads = 1 if allow_smaller_final_batch else preprocess_thread_count()
  capacity = min_queue_examples + 3 * batch_size
  if shuffle:
    images, labels = tf.compat.v1.train.shuffle_batch(
        [image, label], batch_size=batch_size, num_threads=threads,
        capacity=capacity, min_after_dequeue=min_queue_examples,
        enqueue_many=enqueue_many)
  else:
    images, labels = tf.compat.v1.train.batch(
        [image, label], batch_size=batch_size, num_threads=threads,
        capacity=capacity,
        allow_smaller_final_batch=allow_smaller_final_batch)
  _image_summary(images)
  return images, tf.reshape(labels, [-1])


def _image_summary(images):
  """TensorBoard's Images tab shows a few of each batch, tagged `images`
  whatever the name scope (the raw op takes its tag as given)."""
  tf.compat.v1.add_to_collection(
      tf.compat.v1.GraphKeys.SUMMARIES,
      tf.raw_ops.ImageSummary(tag='images', tensor=images))


def distort_image(uint8image):
  """The training distortions of one image, each drawn anew for it.

  Change this chain to change what every training run sees.

  Args:
    uint8image: uint8 Tensor [32, 32, 3].

  Returns:
    float32 Tensor [IMAGE_SIZE, IMAGE_SIZE, 3].
  """
  image = tf.cast(uint8image, tf.float32)
  # A random 24x24 window of the 32x32 image, mirrored half of the time.
  image = tf.image.random_crop(image, [IMAGE_SIZE, IMAGE_SIZE, 3])
  image = tf.image.random_flip_left_right(image)
  # Brightness first, then contrast: the two do not commute.
  image = tf.image.random_brightness(image, max_delta=63)
  image = tf.image.random_contrast(image, lower=0.2, upper=1.8)
  # Zero mean and unit spread, whatever the distortions did.
  image = tf.image.per_image_standardization(image)
  image.set_shape([IMAGE_SIZE, IMAGE_SIZE, 3])
  return image


def preprocess_for_eval(uint8image):
  """What evaluation does to an image: the central 24x24, standardized.

  cifar10_eval.py, cifar10_predict.py and the exported model all use it, so
  that an image gets the same logits whichever of them classifies it.

  Args:
    uint8image: uint8 Tensor [32, 32, 3].

  Returns:
    float32 Tensor [IMAGE_SIZE, IMAGE_SIZE, 3].
  """
  image = tf.image.resize_with_crop_or_pad(tf.cast(uint8image, tf.float32),
                                           IMAGE_SIZE, IMAGE_SIZE)
  image = tf.image.per_image_standardization(image)
  image.set_shape([IMAGE_SIZE, IMAGE_SIZE, 3])
  return image


def epoch_size(data_dir, eval_data=False, num_records=None):
  """Images in an epoch of one split of the data in `data_dir`.

  The tutorial's constants for the CIFAR folders (CIFAR-100 has the same
  split) and for --fake_data, whose smaller files stand in for CIFAR-10;
  for any other folder, such as one of cifar10-make-records, the number of
  records in its files.

  Args:
    data_dir: The folder of record files.
    eval_data: The test split rather than the training one.
    num_records: The records of its files, when already counted.
  """
  if cifar10_data.is_standard_folder(data_dir):
    return (NUM_EXAMPLES_PER_EPOCH_FOR_EVAL if eval_data
            else NUM_EXAMPLES_PER_EPOCH_FOR_TRAIN)
  if num_records is None:
    num_records = cifar10_data.count_records(
        cifar10_data.data_files(data_dir, eval_data))
  return num_records


def distorted_inputs(data_dir, batch_size, num_classes=NUM_CLASSES,
                     deterministic=False):
  """Shuffled batches of distorted training images.

  The tutorial's pipeline reads and distorts one record at a time; by
  default the suite reads --records_per_read of them at once
  (`_batched_read`). --deterministic (`_repeatable_shuffle_batch`) and
  --input_pipeline=tf_data (`cifar10_dataset.training_batches`) take
  routes of their own.
  All of them distort each image with `distort_image()`.

  Args:
    data_dir: The folder of record files.
    batch_size: Images per batch.
    num_classes: Labels must be below it.
    deterministic: Make the batches a function of the graph's seed alone:
      one thread reads and distorts, in an order that repeats.

  Returns:
    images: float32 Tensor [batch_size, IMAGE_SIZE, IMAGE_SIZE, 3].
    labels: int32 Tensor [batch_size].

  Raises:
    DataError: the record files are missing or malformed.
  """
  filenames, num_records = cifar10_data.checked_files(data_dir, False,
                                                      num_classes)

  with tf.compat.v1.name_scope('data_augmentation'):
    # The shuffling queue keeps this many images, so that a batch mixes
    # images from all over the training files.
    min_fraction_of_examples_in_queue = FLAGS.min_fraction_of_examples_in_queue
    min_queue_examples = int(epoch_size(data_dir, False, num_records) *
                             min_fraction_of_examples_in_queue)
    if FLAGS.input_pipeline == 'tf_data':
      return cifar10_dataset.training_batches(
          filenames, min_queue_examples, batch_size, distort_image,
          1 if deterministic else preprocess_thread_count())
    if cifar10_data.is_standard_folder(data_dir):
      print('Filling queue with {} CIFAR images before starting to train. '
            'This will take a few minutes.'.format(min_queue_examples))
    else:  # Your own records: the count is yours, and so is the time.
      print('Filling queue with {} images of {} before starting to '
            'train.'.format(min_queue_examples, data_dir))

    filename_queue = tf.compat.v1.train.string_input_producer(filenames)
    if deterministic:
      return _repeatable_shuffle_batch(filename_queue, min_queue_examples,
                                       batch_size)
    if FLAGS.records_per_read > 1:
      return _batched_read(filename_queue, min_queue_examples, batch_size)

    read_input = read_cifar10(filename_queue)
    distorted_image = distort_image(read_input.uint8image)

    return _generate_image_and_label_batch(
        distorted_image, read_input.label, min_queue_examples, batch_size,
        shuffle=True)


def inputs(eval_data, data_dir, batch_size, num_epochs=None,
           num_classes=NUM_CLASSES):
  """Batches of centrally cropped images, in file order, for evaluation.

  Args:
    eval_data: True for the test file, False for the training files.
    data_dir: The folder of record files.
    batch_size: Images per batch.
    num_epochs: None to cycle through the files forever; 1 to read each
      record exactly once, ending with a short batch and then
      `OutOfRangeError` (the epoch counter is a local variable: initialize
      local variables first).
    num_classes: Labels must be below it.

  Returns:
    images: float32 Tensor [batch_size, IMAGE_SIZE, IMAGE_SIZE, 3].
    labels: int32 Tensor [batch_size].

  Raises:
    DataError: the record files are missing or malformed.
  """
  filenames, num_records = cifar10_data.checked_files(data_dir, eval_data,
                                                      num_classes)

  with tf.compat.v1.name_scope('input'):
    if FLAGS.input_pipeline == 'tf_data':
      return cifar10_dataset.eval_batches(filenames, batch_size, num_epochs,
                                          preprocess_for_eval,
                                          preprocess_thread_count())

    filename_queue = tf.compat.v1.train.string_input_producer(
        filenames, num_epochs=num_epochs, shuffle=num_epochs is None)
    read_input = read_cifar10(filename_queue)
    image = preprocess_for_eval(read_input.uint8image)

    # A queue this deep, as for training, but never deeper than the files.
    min_queue_examples = min(
        int(epoch_size(data_dir, eval_data, num_records) *
            FLAGS.min_fraction_of_examples_in_queue), num_records)

    return _generate_image_and_label_batch(
        image, read_input.label, min_queue_examples, batch_size,
        shuffle=False, allow_smaller_final_batch=num_epochs is not None)


# Routes other than the tutorial's, each chosen by a flag.

def _batched_read(filename_queue, min_queue_examples, batch_size):
  """Training batches from --records_per_read records a read (the default).

  Far fewer session steps a record than one read each; every image is
  still distorted on its own, with draws of its own.
  """
  record = read_cifar10(filename_queue, FLAGS.records_per_read)
  images = tf.map_fn(distort_image, record.uint8image,
                     fn_output_signature=tf.float32)
  return _generate_image_and_label_batch(
      images, record.label, min_queue_examples, batch_size, shuffle=True,
      enqueue_many=True)


def _repeatable_shuffle_batch(filename_queue, min_queue_examples,
                              batch_size):
  """Shuffled, distorted training batches that a graph seed repeats exactly.

  With `shuffle_batch`, threads race to fill the queue: which images a
  batch is drawn from depends on how far they got, and each random op of
  the distortions serves whichever thread asks first. Here nothing
  depends on timing: each draw of a batch first tops the shuffling queue
  up, in the same session step, one read at a time while a whole read
  still fits, distorting the images one after another. One thread runs
  those steps into a first-in first-out queue, which the training step
  dequeues from, so the next batch is made while the model trains.

  Args:
    filename_queue: The queue of training file names.
    min_queue_examples: Examples the shuffling queue keeps after a draw.
    batch_size: Examples per batch.

  Returns:
    images: float32 Tensor [batch_size, IMAGE_SIZE, IMAGE_SIZE, 3].
    labels: int32 Tensor [batch_size].
  """
  capacity = min_queue_examples + 3 * batch_size
  # At most two batches a read: then a topped-up queue always holds a batch
  # beyond the examples it keeps.
  per_read = min(FLAGS.records_per_read, 2 * batch_size)
  queue = tf.queue.RandomShuffleQueue(
      capacity, min_queue_examples, [tf.float32, tf.int32],
      shapes=[[IMAGE_SIZE, IMAGE_SIZE, 3], [1]])

  def top_up(unused_size):
    record = read_cifar10(filename_queue, per_read)
    images = tf.map_fn(distort_image, record.uint8image,
                       fn_output_signature=tf.float32, parallel_iterations=1)
    with tf.control_dependencies(
        [queue.enqueue_many([images, record.label])]):
      return queue.size()

  topped_up, = tf.while_loop(lambda size: capacity - size >= per_read,
                             top_up, [queue.size()])
  with tf.control_dependencies([topped_up]):
    images, labels = queue.dequeue_many(batch_size)
  images, labels = tf.compat.v1.train.batch(
      [images, labels], batch_size, num_threads=1, capacity=2 * batch_size,
      enqueue_many=True)
  _image_summary(images)
  return images, tf.reshape(labels, [-1])
