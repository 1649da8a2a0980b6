# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""Speed benchmark of the CIFAR-10 suite, on the machine it runs on.

Measures, in one run:

  input    the training input pipeline alone (`cifar10.distorted_inputs()`):
           distorted images/s, and the seconds until the shuffling queue
           first gives a batch (20,000 images to fill with the defaults);
  ceiling  the training step of `cifar10.train()` fed from one batch held in
           memory, no queues: the most the graph can do here;
  full     the training step of `cifar10_train.py` itself (queues, monitored
           session, summaries every 100 steps), timed from its own log;
  eval     one pass of `cifar10.inputs(eval_data=True)` + `inference()` over
           the test file, as `cifar10_eval.py` makes for each checkpoint;
  twin     the same network and update written as an idiomatic TF2
           `tf.function` step on `tf.Variable`s, fed from memory, at the best
           settings measured (each setting by its gain over a run of the
           twin's defaults just before it, the winner's gain then measured
           afresh in --confirm_pairs pairs);

the peak memory of each, the machine's float32 multiply-add peak (large
matrix products) and the full step's share of it, and variants that show
what each choice gains (oneDNN, distorting many records at once, the band
LRN, preprocessing threads, session thread pools, summaries, the vectorized
histograms, the tf.data pipeline, mixed precision). The tf.data and
mixed-precision variants each get a verdict in plain words, from the median
gain of --verdict_pairs pairs of runs.

Each measurement runs in a fresh process of this script (`--measure`), since
oneDNN is chosen when TensorFlow loads and thread pools are made once per
process. Within a process, after `--warmup_steps` untimed steps, the steps are
timed in `--repeats` windows of `--steps` steps. The defaults are measured in
`--rounds` processes each, taking turns, and their windows pooled; the table
gives the median, minimum and maximum over the windows, and all figures go to
`--json_out`. Each round's full process also times a window of the ceiling
and one of the twin right after each of its own windows: on a machine whose
speed drifts by a tenth within a minute, ratios of medians from processes
minutes apart move by more than the 5% they are meant to resolve. The
paired windows take that drift out, but sharing a process may slow one side,
so the report gives the rates the ceiling and the twin reached there beside
those of their own processes, and keeps the pooled medians' ratios as its
figures.

Usage, from the top of a checkout:

  python benchmarks/benchmark.py                  # real data in --data_dir
  python benchmarks/benchmark.py --fake_data      # synthetic data, offline
  python benchmarks/benchmark.py --fake_data --quick   # a one-minute smoke run
"""

import collections
import concurrent.futures
import contextlib
import datetime
import io
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

# The suite's modules sit at the top of the checkout and import each other by
# plain name, as the tutorial's did.
TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if TOP not in sys.path:
  sys.path.insert(0, TOP)

# pylint: disable=g-import-not-at-top,wrong-import-position
import cifar10_prepare

# As the scripts do, so that it measures what a user runs.
cifar10_prepare.configure_environment()

from absl import app
import numpy as np
import tensorflow as tf

import cifar10
import cifar10_eval  # pylint: disable=unused-import
import cifar10_input
import cifar10_train

FLAGS = tf.compat.v1.flags.FLAGS

VARIANT_GROUPS = ('onednn', 'distortions', 'lrn', 'preprocess_threads',
                  'session_threads', 'summaries', 'histograms',
                  'input_pipeline', 'mixed_precision')
MEASUREMENTS = ('input', 'ceiling', 'full', 'twin', 'eval')
# The variants that get a verdict in plain words, and what they stand against.
VERDICT_VARIANTS = {'tf_data': 'the queues', 'bfloat16': 'float32',
                    'float16': 'float32'}
# Gains within this much of 1 are noise on a 2-core cloud machine.
NOISE = 0.05
# A variant this much slower than the defaults in one pair needs no more:
# no drift seen here comes near it.
FAR_SLOWER = 0.5

# How long to measure.
tf.compat.v1.flags.DEFINE_integer(
    'repeats', 3,
    'Timed windows per measurement; the table shows their median, minimum '
    'and maximum.', lower_bound=1)
tf.compat.v1.flags.DEFINE_integer(
    'rounds', 5,
    'Processes per measurement of the defaults. The rounds take turns (input, '
    'ceiling, full, twin, eval, then again), so that a machine whose speed '
    'drifts weighs on every measurement alike; their windows are pooled. '
    'Each round\'s full process also times the ceiling and the twin beside '
    'each of its windows (the paired windows).',
    lower_bound=1)
tf.compat.v1.flags.DEFINE_integer(
    'confirm_pairs', 3,
    'When a setting beats the twin\'s defaults, pairs of runs (the '
    'defaults, then the setting) that measure its gain afresh: the best of '
    'several noisy comparisons overstates its own gain, so the twin gets '
    'the median gain of these pairs instead. 0 takes the first comparison '
    'as it is.', lower_bound=0)
tf.compat.v1.flags.DEFINE_integer(
    'verdict_pairs', 3,
    'Pairs of runs (the defaults, then the variant) behind each verdict on '
    'tf.data and mixed precision; the verdict takes the median of their '
    'gains. A variant under %.1fx the defaults in its first pair is not run '
    'again.' % FAR_SLOWER, lower_bound=1)
tf.compat.v1.flags.DEFINE_integer(
    'steps', 40, 'Steps (batches) in each timed window.', lower_bound=1)
tf.compat.v1.flags.DEFINE_integer(
    'warmup_steps', 10,
    'Untimed steps before the first window. The first step of a queue-fed '
    'run, which waits for the queue to fill, is never timed.', lower_bound=0)
tf.compat.v1.flags.DEFINE_list(
    'variants', list(VARIANT_GROUPS),
    'Which speed choices to compare with the defaults, from: %s. Empty for '
    'none.' % ', '.join(VARIANT_GROUPS))
tf.compat.v1.flags.DEFINE_boolean(
    'quick', False,
    'Smoke run of about a minute: 3 windows of 5 steps after 2 warm-up '
    'steps, a 1,000-image queue, 1,000 evaluation images, no variants. '
    'Flags given explicitly still win.')

# Where the figures go.
tf.compat.v1.flags.DEFINE_string(
    'json_out', 'benchmark.json', 'File to write all the figures to, as JSON.')

# How the benchmark runs itself.
tf.compat.v1.flags.DEFINE_enum(
    'measure', None, MEASUREMENTS + ('peak',),
    'Internal: make only this measurement, in this process, and print its '
    'figures as one JSON line. The benchmark starts itself this way for '
    'each measurement.')

tf.compat.v1.flags.DEFINE_boolean(
    'paired_windows', False,
    'Internal: with --measure=full, also time a window of the ceiling and '
    'one of the twin, in this process, after each window of the full step. '
    'The benchmark asks this of the rounds\' full runs.')

tf.compat.v1.flags.register_validator(
    'variants', lambda groups: set(groups) <= set(VARIANT_GROUPS),
    message='--variants takes names from: %s' % ', '.join(VARIANT_GROUPS))

QUICK_SETTINGS = {
    'rounds': 1,
    'repeats': 3,
    'steps': 5,
    'warmup_steps': 2,
    'min_fraction_of_examples_in_queue': 0.02,
    'num_examples': 1000,
    'variants': [],
}

# What the variants change in a measuring process's environment. The
# defaults run without them, whatever the calling shell has set.
ONEDNN = 'TF_ENABLE_ONEDNN_OPTS'
INTER_OP = 'TF_NUM_INTEROP_THREADS'
INTRA_OP = 'TF_NUM_INTRAOP_THREADS'
CONTROLLED_ENV = (ONEDNN, INTER_OP, INTRA_OP)

# --save_summaries_steps for "summaries off": past the end of any run, so
# only the monitored session's first step writes them.
NO_SUMMARIES_STEPS = 10 ** 9

# Marks the measuring process's one line of figures among its other output.
RESULT_PREFIX = 'BENCHMARK_RESULT '

# A line of the training script's log (SPEC: one a --log_frequency steps).
LOG_LINE = re.compile(r': step (\d+), loss = \S+ \(([0-9.]+) examples/sec; ')

Variant = collections.namedtuple('Variant', ['name', 'env', 'flags'])
DEFAULTS = Variant('defaults', {}, ())
# The twin's baseline: oneDNN on, its best setting wherever it was measured.
TWIN_BASELINE = Variant('onednn_on', {ONEDNN: '1'}, ())

TITLES = {
    'input': 'input pipeline alone (distorted batches)',
    'ceiling': 'training step fed from memory (ceiling)',
    'full': 'training step of cifar10_train.py (full)',
    'eval': 'evaluation, one pass over the test file',
    'twin': 'TF2 tf.function twin, fed from memory',
}


def _apply_quick():
  """With --quick, sets the smoke-run values of the flags not given."""
  if not FLAGS.quick:
    return
  for name, value in QUICK_SETTINGS.items():
    if not FLAGS[name].present:
      setattr(FLAGS, name, value)


def _fill_images():
  """Examples the shuffling queue must hold before training starts."""
  return int(cifar10.NUM_EXAMPLES_PER_EPOCH_FOR_TRAIN *
             FLAGS.min_fraction_of_examples_in_queue)


def _session_config():
  """The session options of the training script (see `run_training()`)."""
  return tf.compat.v1.ConfigProto(allow_soft_placement=True)


def _time_steps(run_step):
  """Runs the warm-up steps, then times --repeats windows of --steps steps.

  Args:
    run_step: Callable that runs one step of --batch_size images.

  Returns:
    List of images/s, one per window.
  """
  for _ in range(FLAGS.warmup_steps):
    run_step()
  rates = []
  for _ in range(FLAGS.repeats):
    start = time.perf_counter()
    for _ in range(FLAGS.steps):
      run_step()
    rates.append(FLAGS.batch_size * FLAGS.steps /
                 (time.perf_counter() - start))
  return rates


def _memory_batch():
  """One batch of training images, as the input pipeline gives them.

  The first --batch_size records of the first training file, cropped to the
  central IMAGE_SIZE square and standardized per image as the pipeline does.
  The pixel values do not change the work that a step does.

  Returns:
    images: float32 array [batch_size, IMAGE_SIZE, IMAGE_SIZE, 3].
    labels: int32 array [batch_size].
  """
  path = cifar10_input.data_files(cifar10.data_dir())[0]
  records = np.fromfile(path, dtype=np.uint8).reshape(
      -1, cifar10_input.RECORD_BYTES)
  records = records[np.arange(FLAGS.batch_size) % len(records)]
  labels = records[:, 0].astype(np.int32)
  images = records[:, cifar10_input.LABEL_BYTES:].reshape(
      -1, cifar10_input.DEPTH, cifar10_input.HEIGHT, cifar10_input.WIDTH)
  images = images.transpose(0, 2, 3, 1).astype(np.float32)
  top = (cifar10_input.HEIGHT - cifar10.IMAGE_SIZE) // 2
  left = (cifar10_input.WIDTH - cifar10.IMAGE_SIZE) // 2
  images = images[:, top:top + cifar10.IMAGE_SIZE,
                  left:left + cifar10.IMAGE_SIZE, :]
  # tf.image.per_image_standardization, in numpy.
  mean = images.mean(axis=(1, 2, 3), keepdims=True)
  std = np.maximum(images.std(axis=(1, 2, 3), keepdims=True),
                   1.0 / np.sqrt(images[0].size))
  return ((images - mean) / std).astype(np.float32), labels


def measure_input():
  """Times the training input pipeline alone.

  Returns:
    Dict: `images_per_sec` (one per window); `fill_seconds` from starting
    the queue runners to the first batch; `fill_images`.
  """
  with tf.Graph().as_default():
    with tf.device('/cpu:0'):
      images, labels = cifar10.distorted_inputs()
    with tf.compat.v1.Session(config=_session_config()) as sess:
      coord = tf.train.Coordinator()
      start = time.perf_counter()
      threads = tf.compat.v1.train.start_queue_runners(sess=sess, coord=coord)
      try:
        sess.run([images, labels])
        fill_seconds = time.perf_counter() - start
        rates = _time_steps(lambda: sess.run([images, labels]))
      finally:
        coord.request_stop()
        coord.join(threads)
  return {'images_per_sec': rates, 'fill_seconds': fill_seconds,
          'fill_images': _fill_images()}


def _ceiling_step():
  """The training step of `cifar10.train()` on a batch in memory.

  The graph is the training script's, with the input queues replaced by
  constants; the step runs only the train op, no summaries. It builds its
  own graph and session, so it can sit beside another in one process.

  Returns:
    run_step: Callable that runs one step.
    figures: Dict: `parameters`, the number of trainable parameters;
      `first_loss`, the total loss before training.
  """
  batch_images, batch_labels = _memory_batch()
  graph = tf.Graph()
  with graph.as_default():
    global_step = tf.compat.v1.train.get_or_create_global_step()
    images = tf.constant(batch_images)
    if FLAGS.use_fp16:
      images = tf.cast(images, tf.float16)
    logits = cifar10.inference(images)
    loss = cifar10.loss(logits, tf.constant(batch_labels))
    train_op = cifar10.train(loss, global_step)
    parameters = sum(v.shape.num_elements()
                     for v in tf.compat.v1.trainable_variables())
    sess = tf.compat.v1.Session(config=_session_config())
    sess.run(tf.compat.v1.global_variables_initializer())
    first_loss = float(sess.run(loss))
  return (lambda: sess.run(train_op),
          {'parameters': parameters, 'first_loss': first_loss})


def measure_in_memory(make_step):
  """Times a training step fed from memory: the ceiling's or the twin's.

  Args:
    make_step: `_ceiling_step` or `_twin_step`.

  Returns:
    Dict: `images_per_sec` (one per window), and the step's own figures.
  """
  run_step, figures = make_step()
  return dict(figures, images_per_sec=_time_steps(run_step))


class _PairedWindows(io.StringIO):
  """The full step's log, which times the ceiling and the twin beside it.

  `measure_full` sends the training script's output here. When the line of
  the last step of a window of the full step arrives, a window of the
  ceiling and one of the twin run right then, in this process, so each
  window of the full step has both within seconds of it: a machine whose
  speed drifts moves all three alike. The training step after them waits
  for them, and is not timed.
  """

  def __init__(self, window_ends):
    """Builds the ceiling and the twin, and warms them up.

    Args:
      window_ends: The global steps whose log line ends a window.
    """
    super().__init__()
    self._window_ends = set(window_ends)
    self._pending = ''
    ceiling_step, _ = _ceiling_step()
    self._steps = {'ceiling': ceiling_step, 'twin': _twin_step()[0]}
    self.rates = {name: [] for name in self._steps}
    # The two run on a thread of their own, out of the training graph that
    # is the default where the log is written (TensorFlow keeps the default
    # graph per thread), while the training waits for them.
    self._thread = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    self._thread.submit(self._warm_up).result()

  def _warm_up(self):
    for run_step in self._steps.values():
      for _ in range(FLAGS.warmup_steps):
        run_step()

  def _time_windows(self):
    for name, run_step in self._steps.items():
      run_step()  # The other graph's caches are cold: not timed.
      start = time.perf_counter()
      for _ in range(FLAGS.steps):
        run_step()
      self.rates[name].append(FLAGS.batch_size * FLAGS.steps /
                              (time.perf_counter() - start))

  def write(self, text):
    written = super().write(text)
    self._pending += text
    *lines, self._pending = self._pending.split('\n')
    for line in lines:
      match = LOG_LINE.search(line)
      if match and int(match.group(1)) in self._window_ends:
        self._thread.submit(self._time_windows).result()
    return written


def measure_full():
  """Times the training step of `cifar10_train.py`, from its own log.

  Runs `cifar10_train.train()` as the script does, into a temporary
  --train_dir, logging every step; each log line gives that step's time.
  With --paired_windows, a window of the ceiling and one of the twin follow
  each window (`_PairedWindows`), and the step after them is not timed.

  Returns:
    Dict: `images_per_sec` (one per window); `first_step_seconds`, the
    first step, which waits for the queue to fill; `fill_images`; with
    --paired_windows, `paired`, the ceiling's and the twin's images/s in the
    windows beside the full step's, in the same order.

  Raises:
    RuntimeError: the log lacks a line for some step.
  """
  # Step 0 fills the queue; then the warm-up steps; then the windows, each
  # followed, when paired, by one step that waits for the other two.
  gap = 1 if FLAGS.paired_windows else 0
  starts = [1 + FLAGS.warmup_steps + i * (FLAGS.steps + gap)
            for i in range(FLAGS.repeats)]
  ends = [start + FLAGS.steps - 1 for start in starts]
  train_dir = tempfile.mkdtemp(prefix='cifar10_benchmark_')
  FLAGS.train_dir = train_dir
  FLAGS.max_steps = ends[-1] + 1
  FLAGS.log_frequency = 1
  log = _PairedWindows(ends) if FLAGS.paired_windows else io.StringIO()
  try:
    with contextlib.redirect_stdout(log):
      cifar10_train.train()
  finally:
    shutil.rmtree(train_dir, ignore_errors=True)
  seconds = {}
  for step, examples_per_sec in LOG_LINE.findall(log.getvalue()):
    seconds[int(step)] = FLAGS.batch_size / float(examples_per_sec)
  if sorted(seconds) != list(range(FLAGS.max_steps)):
    raise RuntimeError('cifar10_train.py did not log each of its %d steps:\n%s'
                       % (FLAGS.max_steps, log.getvalue()[-2000:]))
  rates = [FLAGS.batch_size * FLAGS.steps /
           sum(seconds[step] for step in range(start, end + 1))
           for start, end in zip(starts, ends)]
  figures = {'images_per_sec': rates, 'first_step_seconds': seconds[0],
             'fill_images': _fill_images()}
  if FLAGS.paired_windows:
    figures['paired'] = log.rates
  return figures


def measure_eval():
  """Times passes over the test file, as `cifar10_eval.py` makes them.

  Each window is one pass of --num_examples images (or the whole file) in a
  new session, from starting the queue runners to the last batch.

  Returns:
    Dict: `images_per_sec` (one per pass); `images`, the images of a pass.
  """
  with tf.Graph().as_default():
    with tf.device('/cpu:0'):
      images, labels = cifar10.inputs(eval_data=True, num_epochs=1)
    logits = cifar10.inference(images)
    top_k_op = tf.nn.in_top_k(targets=labels, predictions=logits, k=1)
    init = [tf.compat.v1.global_variables_initializer(),
            tf.compat.v1.local_variables_initializer()]
    rates = []
    for _ in range(FLAGS.repeats):
      with tf.compat.v1.Session(config=_session_config()) as sess:
        sess.run(init)
        coord = tf.train.Coordinator()
        start = time.perf_counter()
        threads = tf.compat.v1.train.start_queue_runners(sess=sess,
                                                         coord=coord)
        count = 0
        try:
          while count < FLAGS.num_examples:
            count += len(sess.run(top_k_op))
        except tf.errors.OutOfRangeError:
          pass  # The file holds fewer images than --num_examples.
        rates.append(count / (time.perf_counter() - start))
        coord.request_stop()
        coord.join(threads)
  return {'images_per_sec': rates, 'images': count}


class Twin(tf.Module):
  """The tutorial's network and training step, written as idiomatic TF2.

  The layers, shapes, initializers, weight decay, learning-rate schedule,
  plain gradient descent and moving averages of the variables of
  `cifar10.inference()`, `loss()` and `train()`, without the summaries, in
  float32: `tf.Variable`s and a `tf.function` step, run eagerly.
  """

  def __init__(self):
    super().__init__(name='twin')

    def weights(shape, stddev):
      return tf.Variable(tf.random.truncated_normal(shape, stddev=stddev))

    def biases(size, value):
      return tf.Variable(tf.fill([size], value))

    flat = (cifar10.IMAGE_SIZE // 4) ** 2 * 64  # After two stride-2 pools.
    self.conv1 = (weights([5, 5, 3, 64], 5e-2), biases(64, 0.0))
    self.conv2 = (weights([5, 5, 64, 64], 5e-2), biases(64, 0.1))
    self.local3 = (weights([flat, 384], 0.04), biases(384, 0.1))
    self.local4 = (weights([384, 192], 0.04), biases(192, 0.1))
    self.softmax_linear = (weights([192, cifar10.NUM_CLASSES], 1 / 192.0),
                           biases(cifar10.NUM_CLASSES, 0.0))
    self.params = [v for layer in (self.conv1, self.conv2, self.local3,
                                   self.local4, self.softmax_linear)
                   for v in layer]
    # Shadow copies start at the initial values, as ExponentialMovingAverage
    # makes them.
    self.averages = [tf.Variable(p) for p in self.params]
    self.global_step = tf.Variable(0, dtype=tf.int64)

  def logits(self, images):
    """Returns logits [batch, NUM_CLASSES] of images [batch, 24, 24, 3]."""
    x = tf.nn.relu(tf.nn.bias_add(
        tf.nn.conv2d(images, self.conv1[0], 1, 'SAME'), self.conv1[1]))
    x = tf.nn.max_pool2d(x, 3, 2, 'SAME')
    x = tf.nn.lrn(x, 4, bias=1.0, alpha=0.001 / 9.0, beta=0.75)
    x = tf.nn.relu(tf.nn.bias_add(
        tf.nn.conv2d(x, self.conv2[0], 1, 'SAME'), self.conv2[1]))
    x = tf.nn.lrn(x, 4, bias=1.0, alpha=0.001 / 9.0, beta=0.75)
    x = tf.nn.max_pool2d(x, 3, 2, 'SAME')
    x = tf.reshape(x, [tf.shape(x)[0], -1])
    x = tf.nn.relu(tf.matmul(x, self.local3[0]) + self.local3[1])
    x = tf.nn.relu(tf.matmul(x, self.local4[0]) + self.local4[1])
    return tf.matmul(x, self.softmax_linear[0]) + self.softmax_linear[1]

  def loss(self, images, labels):
    """Mean cross entropy plus weight decay 0.004 on local3 and local4."""
    cross_entropy = tf.reduce_mean(
        tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=labels, logits=self.logits(images)))
    return cross_entropy + 0.004 * (tf.nn.l2_loss(self.local3[0]) +
                                    tf.nn.l2_loss(self.local4[0]))

  @tf.function
  def train_step(self, images, labels):
    """One step of gradient descent, then the moving averages; returns loss."""
    with tf.GradientTape() as tape:
      loss = self.loss(images, labels)
    grads = tape.gradient(loss, self.params)
    decay_steps = int(cifar10.NUM_EXAMPLES_PER_EPOCH_FOR_TRAIN /
                      FLAGS.batch_size * cifar10.NUM_EPOCHS_PER_DECAY)
    lr = cifar10.INITIAL_LEARNING_RATE * cifar10.LEARNING_RATE_DECAY_FACTOR ** (
        tf.cast(self.global_step // decay_steps, tf.float32))
    for param, grad in zip(self.params, grads):
      param.assign_sub(lr * grad)
    self.global_step.assign_add(1)
    step = tf.cast(self.global_step, tf.float32)
    decay = tf.minimum(cifar10.MOVING_AVERAGE_DECAY,
                       (1.0 + step) / (10.0 + step))
    for average, param in zip(self.averages, self.params):
      average.assign_sub((1.0 - decay) * (average - param))
    return loss


def _twin_step():
  """The TF2 twin's training step on a batch in memory.

  Returns:
    run_step: Callable that runs one step.
    figures: Dict: `parameters`, the number of trainable parameters;
      `first_loss`, the total loss before training.
  """
  batch_images, batch_labels = _memory_batch()
  images = tf.constant(batch_images)
  labels = tf.constant(batch_labels)
  twin = Twin()
  first_loss = float(twin.loss(images, labels))
  return (lambda: twin.train_step(images, labels),
          {'parameters': sum(p.shape.num_elements() for p in twin.params),
           'first_loss': first_loss})


# Side of the square float32 matrices whose products measure the peak.
PEAK_MATRIX = 2048


def training_macs_per_image():
  """Multiply-adds of one training image in the convolutions and products.

  The forward pass, plus as much again for the weight gradients and for the
  gradients of each layer's input (none for conv1, whose input is the
  image). Counted from the model's layer shapes.

  Returns:
    The count, an int.
  """
  side = cifar10.IMAGE_SIZE
  layers = [  # (output positions, multiply-adds per position)
      (side * side, 5 * 5 * 3 * 64),                 # conv1
      ((side // 2) ** 2, 5 * 5 * 64 * 64),           # conv2, after pool1
      (1, (side // 4) ** 2 * 64 * 384),              # local3
      (1, 384 * 192),                                # local4
      (1, 192 * cifar10.NUM_CLASSES),                # softmax_linear
  ]
  forward = [positions * macs for positions, macs in layers]
  return 3 * sum(forward) - forward[0]


def measure_peak():
  """Times float32 products of PEAK_MATRIX-square matrices.

  Returns:
    Dict: `macs_per_sec`, one per window.
  """
  with tf.Graph().as_default():
    shape = [PEAK_MATRIX, PEAK_MATRIX]
    a = tf.compat.v1.get_variable('a', shape, initializer=tf.ones_initializer())
    b = tf.compat.v1.get_variable('b', shape, initializer=tf.ones_initializer())
    # Summing keeps the product from being skipped, at a cost of N^2.
    product = tf.reduce_sum(tf.matmul(a, b))
    with tf.compat.v1.Session(config=_session_config()) as sess:
      sess.run(tf.compat.v1.global_variables_initializer())
      rates = _time_steps(lambda: sess.run(product))
  # _time_steps counts --batch_size "images" a step; one step here is one
  # product of PEAK_MATRIX^3 multiply-adds.
  return {'macs_per_sec': [rate / FLAGS.batch_size * PEAK_MATRIX ** 3
                           for rate in rates]}


def _onednn_enabled():
  """Whether TensorFlow runs oneDNN kernels in this process; None if unknown.

  TensorFlow decides when it loads, from TF_ENABLE_ONEDNN_OPTS and the CPU;
  only a private module tells what it decided.
  """
  try:
    # pylint: disable=g-import-not-at-top
    from tensorflow.python.util import _pywrap_util_port
    return bool(_pywrap_util_port.IsMklEnabled())
  except (ImportError, AttributeError):
    return None


def _peak_rss_mib():
  """Peak resident memory of this process, in MiB."""
  peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
  # Linux counts kilobytes, macOS bytes.
  return peak / (1 << 20 if sys.platform == 'darwin' else 1 << 10)


def measure():
  """Makes the --measure measurement and prints its figures as one line."""
  if FLAGS.measure == 'twin':
    figures = measure_in_memory(_twin_step)
  elif FLAGS.measure == 'peak':
    figures = measure_peak()
  elif FLAGS.measure == 'ceiling':
    figures = measure_in_memory(_ceiling_step)
  else:
    # Each graph-mode measurement builds its own tf.Graph, as the scripts do.
    figures = {'input': measure_input, 'full': measure_full,
               'eval': measure_eval}[FLAGS.measure]()
  figures['peak_rss_mib'] = _peak_rss_mib()
  figures['onednn'] = _onednn_enabled()
  print(RESULT_PREFIX + json.dumps(figures))


# The benchmark: runs each measurement in its own process.


def _run(measurement, variant, paired=False):
  """Runs one measurement in a fresh process of this script.

  Args:
    measurement: One of MEASUREMENTS.
    variant: The Variant whose environment and flags the process gets.
    paired: For the full step: time the ceiling and the twin beside it
      (--paired_windows).

  Returns:
    Dict of its figures, with `images_per_sec` summarized, the variant's
    name, `env`, `flags` and the process's `wall_seconds`.

  Raises:
    SystemExit: the process failed; the message holds the end of its output.
  """
  env = {name: value for name, value in os.environ.items()
         if name not in CONTROLLED_ENV}
  set_env = dict(TWIN_BASELINE.env if measurement == 'twin' else {},
                 **variant.env)
  env.update(set_env)
  command = ([sys.executable, os.path.abspath(__file__)] + sys.argv[1:] +
             ['--measure=' + measurement] + list(variant.flags) +
             (['--paired_windows'] if paired else []))
  start = time.perf_counter()
  proc = subprocess.run(command, env=env, capture_output=True, text=True,
                        check=False)
  wall_seconds = time.perf_counter() - start
  lines = [line for line in proc.stdout.splitlines()
           if line.startswith(RESULT_PREFIX)]
  if proc.returncode or not lines:
    sys.exit('benchmark.py: error: the %s measurement (%s) failed with '
             'status %d:\n%s%s' % (measurement, variant.name, proc.returncode,
                                   proc.stdout[-2000:], proc.stderr[-3000:]))
  figures = json.loads(lines[-1][len(RESULT_PREFIX):])
  unit = 'macs_per_sec' if 'macs_per_sec' in figures else 'images_per_sec'
  rates = figures[unit]
  figures.update({'measurement': measurement, 'variant': variant.name,
                  'env': set_env, 'flags': list(variant.flags),
                  'wall_seconds': wall_seconds, unit: _summarize(rates)})
  print('  %-8s %-22s %9s %s  (%.0f s)'
        % (measurement, variant.name, '{:,.0f}'.format(statistics.median(
            rates)), 'multiply-adds/s' if unit == 'macs_per_sec'
           else 'images/s', wall_seconds))
  sys.stdout.flush()
  return figures


def _summarize(rates):
  return {'median': statistics.median(rates), 'min': min(rates),
          'max': max(rates), 'windows': rates}


def _pool(runs):
  """One measurement's figures from the processes of its rounds.

  Args:
    runs: The figures of each round, as `_run` returns them.

  Returns:
    The first round's figures with the windows of all pooled, the medians
    of the other timings, the largest peak memory and the summed wall time.
  """
  pooled = dict(runs[0], rounds=len(runs))
  pooled['images_per_sec'] = _summarize(
      [rate for run in runs for rate in run['images_per_sec']['windows']])
  for key in ('fill_seconds', 'first_step_seconds'):
    if key in pooled:
      pooled[key] = statistics.median(run[key] for run in runs)
  pooled['peak_rss_mib'] = max(run['peak_rss_mib'] for run in runs)
  pooled['wall_seconds'] = sum(run['wall_seconds'] for run in runs)
  return pooled


def _variant_runs(onednn_default):
  """Lists the (measurement, Variant) runs of the groups in --variants.

  Args:
    onednn_default: Whether TensorFlow turns oneDNN on here by itself, or
      None if unknown; the defaults runs already stand for that setting.

  Returns:
    List of (measurement, Variant) pairs.
  """
  cores = _cores()
  runs = []
  if 'onednn' in FLAGS.variants:
    for name, value, is_default in (('onednn_on', '1', True),
                                    ('onednn_off', '0', False)):
      if onednn_default is not is_default:
        runs += [(m, Variant(name, {ONEDNN: value}, ()))
                 for m in ('ceiling', 'full')]
    runs.append(('twin', Variant('onednn_off', {ONEDNN: '0'}, ())))
  if 'distortions' in FLAGS.variants:
    variant = Variant('records_per_read_1', {}, ('--records_per_read=1',))
    runs += [('input', variant), ('full', variant)]
  if 'lrn' in FLAGS.variants:
    variant = Variant('lrn_kernels', {}, ('--nofast_lrn',))
    runs += [('ceiling', variant), ('full', variant)]
  if 'preprocess_threads' in FLAGS.variants:
    default = cifar10_input.preprocess_thread_count()
    for threads in sorted({cores, 2 * cores, 16} - {default}):
      variant = Variant('preprocess_threads_%d' % threads, {},
                        ('--num_preprocess_threads=%d' % threads,))
      runs += [('input', variant), ('full', variant)]
  if 'session_threads' in FLAGS.variants:
    for variant in (Variant('inter_op_threads_1', {INTER_OP: '1'}, ()),
                    Variant('intra_op_threads_%d' % max(1, cores // 2),
                            {INTRA_OP: str(max(1, cores // 2))}, ())):
      runs += [('full', variant), ('twin', variant)]
  if 'summaries' in FLAGS.variants:
    runs.append(('full', Variant(
        'summaries_off', {},
        ('--save_summaries_steps=%d' % NO_SUMMARIES_STEPS,))))
  if 'histograms' in FLAGS.variants:
    runs.append(('full', Variant('histogram_kernel', {},
                                 ('--nofast_histograms',))))
  if 'input_pipeline' in FLAGS.variants:
    variant = Variant('tf_data', {}, ('--input_pipeline=tf_data',))
    runs += [('input', variant), ('full', variant), ('eval', variant)]
  if 'mixed_precision' in FLAGS.variants:
    for precision in ('bfloat16', 'float16'):
      variant = Variant(precision, {}, ('--mixed_precision=' + precision,))
      runs += [('ceiling', variant), ('full', variant)]
  return runs


def best_twin_setting(variant_runs):
  """The twin's setting with the largest gain above 1, or None.

  A setting counts by its gain over the run of the twin's baseline just
  before it (`vs_baseline`), as every variant does, so that a machine that
  drifts between the rounds and the variants does not pass for a better
  setting.

  Args:
    variant_runs: The figures of every variant run.
  """
  settings = [run for run in variant_runs if run['measurement'] == 'twin']
  best = max(settings, key=lambda run: run['vs_baseline'], default=None)
  if best is None or best['vs_baseline'] <= 1.0:
    return None
  return best


def twin_at_its_best(pooled, best, confirmations=()):
  """The twin's figures at its best setting.

  On a noisy machine the largest of several gains is larger than the
  setting's true gain (the one picked is the one that was lucky), so when
  `confirmations` holds fresh pairs of the baseline and the setting, the
  median of their gains stands for it; with none, the first comparison.
  A gain above 1 scales the pooled rounds' figures.

  Args:
    pooled: The twin's figures from the rounds, as `_pool` returns them.
    best: The run of `best_twin_setting()`, or None.
    confirmations: Gains of the setting over the baseline run just before
      it, one a pair.

  Returns:
    `pooled`, or a copy scaled by the setting's gain, with that setting's
    `env` and `flags`, the gain as `gain_over_baseline` and the pairs' gains
    as `confirmations`.
  """
  if best is None:
    return pooled
  gain = (statistics.median(confirmations) if confirmations
          else best['vs_baseline'])
  if gain <= 1.0:
    return dict(pooled, rejected_setting=best['env'],
                confirmations=list(confirmations))
  return dict(pooled, env=best['env'], flags=best['flags'],
              gain_over_baseline=gain, confirmations=list(confirmations),
              images_per_sec=_summarize(
                  [rate * gain for rate in pooled['images_per_sec']['windows']]))


def paired_windows(full_runs, name, scale=1.0):
  """The full step against the ceiling or the twin timed beside it.

  Each window of the full step counts against the window of `name` timed
  right after it in the same process (see `_PairedWindows`), seconds apart:
  a machine whose speed drifts over the benchmark's half hour moves both
  alike. The rates of `name` there are kept too: they show whether sharing
  the full step's process slows it.

  Args:
    full_runs: The rounds' runs of the full step, as `_run` returns them,
      each made with --paired_windows.
    name: 'ceiling' or 'twin'.
    scale: Multiplies the rates of `name` (the twin's gain at its best).

  Returns:
    Dict: `ratio`, the median and the windows of full over `name`;
    `images_per_sec`, the windows of `name`, summarized.
  """
  ratios, rates = [], []
  for run in full_runs:
    for full, other in zip(run['images_per_sec']['windows'],
                           run['paired'][name]):
      ratios.append(full / (other * scale))
      rates.append(other * scale)
  return {'ratio': {'median': statistics.median(ratios), 'windows': ratios},
          'images_per_sec': _summarize(rates)}


def verdicts(runs):
  """Plain-words lines on the tf.data and mixed-precision variants.

  Each verdict rests on the median of the variant's gains over the defaults
  run just before it, one a pair (`pair_gains`, or the one `vs_baseline`).
  For mixed precision the training step's line decides: the ceiling's shows
  what the compute alone gains.

  Args:
    runs: The figures of the variant runs, as `benchmark()` keeps them.

  Returns:
    List of strings, one a variant run, in the order of `runs`.
  """
  lines = []
  for run in runs:
    against = VERDICT_VARIANTS.get(run['variant'])
    if against is None or run.get('paired_baseline') is None:
      continue
    gains = run.get('pair_gains', [run['vs_baseline']])
    gain = statistics.median(gains)
    label = 'tf.data' if run['variant'] == 'tf_data' else run['variant']
    line = '%-8s %s %.2fx %s (%s)' % (
        run['measurement'], label, gain, against,
        'one pair' if len(gains) == 1 else
        'median of %d pairs: %s' % (len(gains),
                                    ', '.join('%.2f' % g for g in gains)))
    if run['variant'] == 'tf_data':
      line += ': ' + ('choose tf_data here' if gain > 1 + NOISE else
                      'queues are as fast or faster here' if gain < 1 - NOISE
                      else 'the same within the noise')
    elif run['measurement'] == 'full':
      line += ': ' + (
          'this CPU has a fast %s path; worth turning on for training here'
          % label if gain > 1 + NOISE else
          'no faster: this CPU has no fast %s path for this training step; '
          'leave it off' % label)
    else:
      line += ': the compute alone, fed from memory'
    lines.append(line)
  return lines


def _cores():
  """CPU cores this process may run on."""
  if hasattr(os, 'sched_getaffinity'):
    return len(os.sched_getaffinity(0))
  return os.cpu_count()


def _cpu_model():
  """The CPU's model name, from /proc/cpuinfo where there is one."""
  try:
    with open('/proc/cpuinfo') as f:
      for line in f:
        if line.startswith('model name'):
          return line.split(':', 1)[1].strip()
  except OSError:
    pass  # Not Linux: the platform module's answer is the best there is.
  return platform.processor() or platform.machine()


def _setting(run):
  """The variables and flags a run sets, for the table."""
  return ' '.join(['%s=%s' % item for item in sorted(run['env'].items())] +
                  run['flags']) or 'as shipped'


def _format_rate(summary):
  return '{:,.0f}'.format(summary['median'])


def _format_range(summary):
  return '{:,.0f} - {:,.0f}'.format(summary['min'], summary['max'])


def format_report(report):
  """Formats the report as the tables that the benchmark prints.

  Args:
    report: Dict as written to --json_out.

  Returns:
    String of several lines.
  """
  machine, settings = report['machine'], report['settings']
  onednn = {True: 'on', False: 'off', None: 'unknown'}[
      machine['onednn_default']]
  lines = [
      '',
      'CIFAR-10 speed benchmark, %s' % machine['date'],
      '  machine   %s, %d cores, %s' % (machine['cpu'], machine['cores'],
                                        machine['platform']),
      '  software  TensorFlow %s, Python %s; oneDNN %s by default'
      % (machine['tensorflow'], machine['python'], onednn),
      '  load      1-minute load average %.2f at start, %.2f at end (other '
      'work on the machine makes the figures noisy)'
      % tuple(machine['load_average']),
      '  data      %s files in %s' % (settings['data'], settings['data_dir']),
      '  settings  batch %d; %d rounds of %d windows of %d steps after %d '
      'warm-up steps; queue of %s images; %d preprocessing threads'
      % (settings['batch_size'], settings['rounds'], settings['repeats'],
         settings['steps'], settings['warmup_steps'],
         '{:,}'.format(settings['fill_images']),
         settings['num_preprocess_threads']),
      '',
      '%-42s %9s  %-19s %8s' % ('measurement', 'images/s', 'min - max',
                                'peak MiB'),
  ]
  for name in MEASUREMENTS:
    run = report['measurements'][name]
    note = ''
    if name == 'input':
      note = 'fill: %s images in %.1f s' % ('{:,}'.format(run['fill_images']),
                                           run['fill_seconds'])
    elif name == 'full':
      note = 'first step, fill included: %.1f s' % run['first_step_seconds']
    elif name == 'eval':
      note = '%s images a pass' % '{:,}'.format(run['images'])
    elif name == 'twin':
      note = 'best: %s' % _setting(run)
      pairs = ', '.join('%.2f' % gain for gain in run.get('confirmations', []))
      if 'gain_over_baseline' in run:
        note += (' (%.2fx the defaults run beside it%s, applied to the rounds)'
                 % (run['gain_over_baseline'],
                    ', the median of fresh pairs: ' + pairs if pairs else ''))
      elif 'rejected_setting' in run:
        setting = sorted(item for item in run['rejected_setting'].items()
                         if item not in run['env'].items())
        note += ' (%s won once, then gained %s in fresh pairs)' % (
            ' '.join('%s=%s' % item for item in setting), pairs)
    lines.append('%-42s %9s  %-19s %8.0f   %s' % (
        TITLES[name], _format_rate(run['images_per_sec']),
        _format_range(run['images_per_sec']), run['peak_rss_mib'], note))
  ratios = report['ratios']
  peak = report['peak']
  lines += [
      '',
      'float32 multiply-add peak  %s multiply-adds/s (%dx%d matrix '
      'products, min - max %s)' % (
          '{:,.3g}'.format(peak['macs_per_sec']['median']), PEAK_MATRIX,
          PEAK_MATRIX, _format_range(peak['macs_per_sec'])),
      'full step                  %s multiply-adds/s (%s a training image), '
      '%.2f of the peak' % ('{:,.3g}'.format(peak['full_macs_per_sec']),
                            '{:,}'.format(peak['macs_per_image']),
                            ratios['full_over_peak']),
      '',
      'full / ceiling  %6.2f  share of the in-memory ceiling that the script '
      'reaches (1.00: input fully hidden)' % ratios['full_over_ceiling'],
      'input / full    %6.2f  how much faster the pipeline runs alone than '
      'training consumes' % ratios['input_over_full'],
      'full / twin     %6.2f  the script against the TF2 twin at its best '
      '(>= 1.00: no slower)' % ratios['full_over_twin'],
      '',
      'Paired windows: in each round\'s full process, a window of the ceiling '
      'and one of the twin',
      'right after each of the full step\'s (drift moves both sides alike; '
      'sharing the process may not):',
  ]
  for name in ('ceiling', 'twin'):
    paired = report['paired_windows'][name]
    windows = paired['ratio']['windows']
    lines.append('  full / %-7s %5.2f  (%d windows, %.2f - %.2f); the %s ran '
                 'at %s images/s there, %s in its own processes' % (
                     name, paired['ratio']['median'], len(windows),
                     min(windows), max(windows), name,
                     _format_rate(paired['images_per_sec']),
                     _format_rate(report['measurements'][name]
                                  ['images_per_sec'])))
  lines_of_verdicts = verdicts(report['runs'])
  if lines_of_verdicts:
    lines += ['', 'tf.data and mixed precision, each against the defaults '
              'run just before it:'] + ['  ' + v for v in lines_of_verdicts]
  if len(report['runs']) > settings['rounds'] * len(MEASUREMENTS):
    width = max(len(_setting(run)) for run in report['runs'])
    lines += [
        '',
        'What each choice gains: each run in its own process; vs = a '
        'variant\'s median over that of the defaults run just before it '
        '(for the defaults, over their pooled median)',
        '%-8s %-22s %-*s %9s  %-19s %5s %8s' % (
            'measure', 'variant', width, 'setting', 'images/s', 'min - max',
            'vs', 'peak MiB')]
    for name in MEASUREMENTS:
      for run in report['runs']:
        if run['measurement'] == name:
          lines.append('%-8s %-22s %-*s %9s  %-19s %5.2f %8.0f' % (
              name, run['variant'], width, _setting(run),
              _format_rate(run['images_per_sec']),
              _format_range(run['images_per_sec']), run['vs_baseline'],
              run['peak_rss_mib']))
  return '\n'.join(lines)


def benchmark():
  """Runs every measurement and variant, prints the tables, writes JSON.

  Returns:
    The report, as written to --json_out.
  """
  data_dir = cifar10.data_dir()  # Writes the --fake_data files, once.
  try:
    cifar10_input.check_data_files(cifar10_input.data_files(data_dir) +
                                   cifar10_input.data_files(data_dir, True))
  except cifar10_input.DataError as e:
    sys.exit('benchmark.py: error: %s' % e)
  print('Measuring, each in its own process: the defaults, then %s.'
        % (', '.join(FLAGS.variants) or 'no variants'))
  sys.stdout.flush()

  load_at_start = os.getloadavg()[0]
  runs = [_run(m, TWIN_BASELINE if m == 'twin' else DEFAULTS,
               paired=m == 'full')
          for _ in range(FLAGS.rounds) for m in MEASUREMENTS]
  measurements = {
      m: _pool([run for run in runs if run['measurement'] == m])
      for m in MEASUREMENTS}
  for run in runs:
    run['vs_baseline'] = (run['images_per_sec']['median'] /
                          measurements[run['measurement']]['images_per_sec']
                          ['median'])
  onednn_default = runs[0]['onednn']

  def run_pair(measurement, variant):
    """The measurement's baseline, then the variant: the variant's run."""
    # Each variant right after a run of its baseline: a machine whose speed
    # drifts (other tenants, CPU credits) then weighs on both alike.
    baseline = _run(measurement,
                    TWIN_BASELINE if measurement == 'twin' else DEFAULTS)
    baseline['vs_baseline'] = (
        baseline['images_per_sec']['median'] /
        measurements[measurement]['images_per_sec']['median'])
    run = _run(measurement, variant)
    run['vs_baseline'] = (run['images_per_sec']['median'] /
                          baseline['images_per_sec']['median'])
    runs.extend([baseline, run])
    return run

  variant_runs = []
  for measurement, variant in _variant_runs(onednn_default):
    run = run_pair(measurement, variant)
    run['paired_baseline'] = len(runs) - 2
    variant_runs.append(run)
    if variant.name in VERDICT_VARIANTS:
      run['pair_gains'] = [run['vs_baseline']]
      if run['vs_baseline'] >= FAR_SLOWER:
        for _ in range(FLAGS.verdict_pairs - 1):
          again = run_pair(measurement, variant)
          again['confirms'] = variant.name
          run['pair_gains'].append(again['vs_baseline'])

  best = best_twin_setting(variant_runs)
  confirmations = []
  if best is not None:
    setting = Variant(best['variant'], best['env'], tuple(best['flags']))
    for _ in range(FLAGS.confirm_pairs):
      run = run_pair('twin', setting)
      run['confirms'] = best['variant']
      confirmations.append(run['vs_baseline'])
  measurements['twin'] = twin_at_its_best(measurements['twin'], best,
                                          confirmations)

  def median(name):
    return measurements[name]['images_per_sec']['median']

  full_runs = [run for run in runs[:FLAGS.rounds * len(MEASUREMENTS)]
               if run['measurement'] == 'full']
  paired = {
      'ceiling': paired_windows(full_runs, 'ceiling'),
      'twin': paired_windows(
          full_runs, 'twin',
          measurements['twin'].get('gain_over_baseline', 1.0)),
  }

  peak = _run('peak', DEFAULTS)
  macs_per_image = training_macs_per_image()
  peak['macs_per_image'] = macs_per_image
  peak['full_macs_per_sec'] = median('full') * macs_per_image

  report = {
      'machine': {
          'cpu': _cpu_model(),
          'cores': _cores(),
          'platform': platform.platform(),
          'python': platform.python_version(),
          'tensorflow': tf.__version__,
          'onednn_default': onednn_default,
          'load_average': [load_at_start, os.getloadavg()[0]],
          'date': datetime.datetime.now().isoformat(timespec='seconds'),
      },
      'settings': {
          'batch_size': FLAGS.batch_size,
          'rounds': FLAGS.rounds,
          'repeats': FLAGS.repeats,
          'steps': FLAGS.steps,
          'warmup_steps': FLAGS.warmup_steps,
          'fill_images': _fill_images(),
          'num_preprocess_threads': cifar10_input.preprocess_thread_count(),
          'eval_examples': FLAGS.num_examples,
          'data': 'synthetic' if FLAGS.fake_data else 'real',
          'data_dir': data_dir,
          'variants': FLAGS.variants,
      },
      'measurements': measurements,
      'ratios': {
          'full_over_ceiling': median('full') / median('ceiling'),
          'input_over_full': median('input') / median('full'),
          'full_over_twin': median('full') / median('twin'),
          'full_over_peak': (median('full') * macs_per_image /
                             peak['macs_per_sec']['median']),
      },
      'paired_windows': paired,
      'peak': peak,
      'runs': runs,
  }
  print(format_report(report))
  with open(FLAGS.json_out, 'w') as f:
    json.dump(report, f, indent=2, sort_keys=True)
  print('\nAll figures: %s' % os.path.abspath(FLAGS.json_out))
  return report


def main(argv=None):  # pylint: disable=unused-argument
  tf.compat.v1.logging.set_verbosity(tf.compat.v1.logging.ERROR)
  _apply_quick()
  if FLAGS.measure:
    measure()
  else:
    benchmark()


if __name__ == '__main__':
  # absl (not tf.compat.v1.app) turns a bad flag value into one line.
  app.run(main)
