# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""Times the CIFAR-10 suite on the machine it runs on.

Each row is measured in fresh processes of this script (`--measure`), since
oneDNN and the thread pools are fixed when TensorFlow loads:

  input    `cifar10.distorted_inputs()` alone; seconds to its first batch
  ceiling  the `cifar10.train()` step on one batch held in memory
  full     the step of `cifar10_train.train()` itself (queues, monitored
           session, summaries, checkpoints), timed from its step lines
  eval     one pass of `cifar10.inputs(eval_data=True, num_epochs=1)` and
           `inference()`
  twin     the same network and update as a TF2 `tf.function` on
           `tf.Variable`s, fed from memory, at TensorFlow's default settings
  peak     float32 matrix products: the multiply-adds/s that the full
           step's own are a share of

A process times --repeats windows of --steps steps after --warmup_steps. A
round runs every row once, then every variant (one setting changed, see
--variants); --rounds rounds take turns, so that a machine whose speed
drifts weighs on all alike. A row pools its windows: median, min, max. A
variant's ratio to the defaults' median is inside the noise when it lies
within their own spread (min / median to max / median of their windows).

  python benchmarks/benchmark.py                        # data in --data_dir
  python benchmarks/benchmark.py --fake_data --quick    # about a minute
  python benchmarks/benchmark.py --table_from=benchmark.json   # table only
"""

import collections
import contextlib
import functools
import io
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

# The suite's modules sit at the top of the checkout.
TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if TOP not in sys.path:
  sys.path.insert(0, TOP)

import cifar10_prepare

cifar10_prepare.load_tensorflow()  # As the scripts do.

import numpy as np
import tensorflow as tf
from absl import app

import cifar10
import cifar10_eval
import cifar10_input
import cifar10_train

del cifar10_eval  # Imported for its flags: --num_examples.

FLAGS = tf.compat.v1.flags.FLAGS

TITLES = {
    'input': 'input pipeline alone',
    'ceiling': 'ceiling: train step fed from memory',
    'full': 'full: cifar10_train.py step',
    'eval': 'eval: one pass over the test file',
    'twin': 'twin: TF2 tf.function, fed from memory',
    'peak': 'float32 matmul peak',
}
MEASUREMENTS = tuple(TITLES)
VARIANT_GROUPS = ('onednn', 'lrn', 'records_per_read', 'preprocess_threads',
                  'summaries', 'input_pipeline', 'mixed_precision',
                  'deterministic')

# How long to measure.
tf.compat.v1.flags.DEFINE_integer(
    'rounds', 3,
    'Rounds of processes: each runs every measurement once, then every '
    'variant. A row pools the windows of all rounds.', lower_bound=1)
tf.compat.v1.flags.DEFINE_integer(
    'repeats', 3, 'Timed windows in each process.', lower_bound=1)
tf.compat.v1.flags.DEFINE_integer(
    'steps', 40, 'Steps (batches) in each timed window.', lower_bound=1)
tf.compat.v1.flags.DEFINE_integer(
    'warmup_steps', 10,
    'Untimed steps before the first window. The full run\'s first step, '
    'which waits for the queue to fill, comes before them.', lower_bound=0)
tf.compat.v1.flags.DEFINE_list(
    'variants', list(VARIANT_GROUPS),
    f'Groups of variants to run beside the defaults, from: '
    f'{", ".join(VARIANT_GROUPS)}. Empty for none.')
tf.compat.v1.flags.register_validator(
    'variants', lambda groups: set(groups) <= set(VARIANT_GROUPS),
    message=f'--variants takes names from: {", ".join(VARIANT_GROUPS)}')
tf.compat.v1.flags.DEFINE_boolean(
    'quick', False,
    'A smoke run of about a minute: one round of 3 windows of 5 steps after '
    '2 warm-up steps, a 1,000-image queue, 1,000 evaluation images, no '
    'variants. Flags given explicitly win.')

# Where the figures go.
tf.compat.v1.flags.DEFINE_string(
    'json_out', 'benchmark.json', 'File that receives every figure, as JSON.')
tf.compat.v1.flags.DEFINE_string(
    'table_from', None,
    'Measure nothing: print the Markdown table of this --json_out file.')

# How the benchmark runs itself.
tf.compat.v1.flags.DEFINE_enum(
    'measure', None, MEASUREMENTS,
    'Internal: make this one measurement in this process and print its '
    'figures as one JSON line.')

QUICK_SETTINGS = {'rounds': 1, 'repeats': 3, 'steps': 5, 'warmup_steps': 2,
                  'min_fraction_of_examples_in_queue': 0.02,
                  'num_examples': 1000, 'variants': []}

ONEDNN = 'TF_ENABLE_ONEDNN_OPTS'
# Marks a measuring process's line of figures among its other output.
RESULT_PREFIX = 'BENCHMARK_RESULT '
# The training script's step line, one a step with --log_frequency=1.
LOG_LINE = re.compile(r': step (\d+), loss = \S+ \(([0-9.]+) examples/sec;')
# Side of the square float32 matrices whose products give the peak.
PEAK_SIDE = 2048
# A process's figures besides its windows; a row gives their median.
EXTRAS = ('fill_seconds', 'first_step_seconds', 'images', 'parameters',
          'first_loss')


# Timing, within one process.

def _time_windows(run_step, work_per_step=None):
  """Rates of `run_step` (a step, waited for) in --repeats windows of
  --steps after --warmup_steps: work_per_step (or --batch_size) a step."""
  work = work_per_step or FLAGS.batch_size
  for _ in range(FLAGS.warmup_steps):
    run_step()
  rates = []
  for _ in range(FLAGS.repeats):
    start = time.perf_counter()
    for _ in range(FLAGS.steps):
      run_step()
    rates.append(work * FLAGS.steps / (time.perf_counter() - start))
  return rates


def _memory_batch():
  """A batch held in memory: float32 images [batch, 24, 24, 3] of zero mean
  and unit variance, as the pipeline standardizes them, and int32 labels
  [batch]. Their values do not change the work of a step."""
  rng, size = np.random.default_rng(0), cifar10.IMAGE_SIZE
  images = rng.standard_normal([FLAGS.batch_size, size, size, 3], np.float32)
  return images, rng.integers(0, cifar10.NUM_CLASSES, FLAGS.batch_size,
                              np.int32)


# The measurements, each made in a process of its own.

def measure_input():
  """Distorted training batches alone; `fill_seconds` to the first one."""
  with tf.Graph().as_default():
    with tf.device('/cpu:0'):
      batch = cifar10.distorted_inputs(cifar10.data_set())
    start = time.perf_counter()
    # A monitored session initializes the variables and runs the queues.
    with tf.compat.v1.train.MonitoredSession() as sess:
      sess.run(batch)
      fill_seconds = time.perf_counter() - start
      windows = _time_windows(lambda: sess.run(batch))
  return {'windows': windows, 'fill_seconds': fill_seconds}


def measure_ceiling():
  """The op of `cifar10.train()` on a batch in memory; no summaries run."""
  images, labels = _memory_batch()
  with tf.Graph().as_default():
    global_step = tf.compat.v1.train.get_or_create_global_step()
    # The model's own type: float16 throughout with --use_fp16.
    batch = tf.constant(images, tf.float16 if FLAGS.use_fp16 else None)
    logits = cifar10.inference(batch)
    loss = cifar10.loss(logits, tf.constant(labels))
    train_op = cifar10.train(loss, global_step)
    parameters = sum(v.shape.num_elements()
                     for v in tf.compat.v1.trainable_variables())
    with tf.compat.v1.Session() as sess:
      sess.run(tf.compat.v1.global_variables_initializer())
      first_loss = float(sess.run(loss))
      windows = _time_windows(lambda: sess.run(train_op))
  return {'windows': windows, 'parameters': parameters,
          'first_loss': first_loss}


def measure_full():
  """`cifar10_train.train()` into a temporary --train_dir, a step line a
  step, each giving its step's examples/s. Step 0, which waits for the
  queue to fill, comes before the warm-up and is reported apart."""
  starts = [1 + FLAGS.warmup_steps + i * FLAGS.steps
            for i in range(FLAGS.repeats)]
  FLAGS.max_steps = starts[-1] + FLAGS.steps
  FLAGS.log_frequency = 1
  FLAGS.train_dir = tempfile.mkdtemp(prefix='cifar10_benchmark_')
  log = io.StringIO()
  try:
    with contextlib.redirect_stdout(log):
      cifar10_train.train(cifar10.data_set())
  finally:
    shutil.rmtree(FLAGS.train_dir, ignore_errors=True)
  seconds = {int(step): FLAGS.batch_size / float(rate)
             for step, rate in LOG_LINE.findall(log.getvalue())}
  if sorted(seconds) != list(range(FLAGS.max_steps)):
    raise RuntimeError(f'the training did not log each step from 0 to '
                       f'{FLAGS.max_steps - 1}:\n{log.getvalue()[-2000:]}')
  windows = [FLAGS.batch_size * FLAGS.steps /
             sum(seconds[step] for step in range(start, start + FLAGS.steps))
             for start in starts]
  return {'windows': windows, 'first_step_seconds': seconds[0]}


def measure_eval():
  """Passes of --num_examples test images (or the whole file), each timed
  from creating its session to closing it."""
  with tf.Graph().as_default():
    with tf.device('/cpu:0'):
      images, labels = cifar10.inputs(eval_data=True,
                                      data=cifar10.data_set(), num_epochs=1)
    correct = tf.nn.in_top_k(targets=labels,
                             predictions=cifar10.inference(images), k=1)
    windows = []
    for _ in range(FLAGS.repeats):
      start, count = time.perf_counter(), 0
      # Its end, the file's OutOfRangeError, closes the session quietly.
      with tf.compat.v1.train.MonitoredSession() as sess:
        while count < FLAGS.num_examples:
          count += len(sess.run(correct))
      windows.append(count / (time.perf_counter() - start))
  return {'windows': windows, 'images': count}


_lrn = functools.partial(tf.nn.lrn, depth_radius=4, bias=1.0,
                         alpha=0.001 / 9.0, beta=0.75)
_pool = functools.partial(tf.nn.max_pool2d, ksize=3, strides=2,
                          padding='SAME')


class Twin(tf.Module):
  """The network and training step of `cifar10.py`, written the TF2 way.

  The layers, initializers, weight decay, learning-rate schedule, gradient
  descent and moving averages of the weights of `inference()`, `loss()` and
  `train()`, in float32 and without summaries: `tf.Variable`s updated by a
  `tf.function`, with TensorFlow's own LRN kernel.
  """

  # Name, weights' shape and initial standard deviation, initial biases,
  # weight decay.
  LAYERS = (
      ('conv1', [5, 5, 3, 64], 5e-2, 0.0, 0.0),
      ('conv2', [5, 5, 64, 64], 5e-2, 0.1, 0.0),
      ('local3', [(cifar10.IMAGE_SIZE // 4) ** 2 * 64, 384], 0.04, 0.1,
       0.004),
      ('local4', [384, 192], 0.04, 0.1, 0.004),
      ('softmax_linear', [192, cifar10.NUM_CLASSES], 1 / 192.0, 0.0, 0.0),
  )

  def __init__(self):
    super().__init__(name='twin')
    initial = {}
    for name, shape, stddev, bias, _ in self.LAYERS:
      initial[f'{name}/weights'] = tf.random.truncated_normal(shape,
                                                              stddev=stddev)
      initial[f'{name}/biases'] = tf.fill(shape[-1:], bias)
    self.named = {name: tf.Variable(value, name=name)
                  for name, value in initial.items()}
    self.params = list(self.named.values())
    # The shadow copies start from the same values.
    self.averages = [tf.Variable(value, trainable=False)
                     for value in initial.values()]
    self.global_step = tf.Variable(0, dtype=tf.int64, trainable=False)
    self.decay_steps = int(cifar10.NUM_EXAMPLES_PER_EPOCH_FOR_TRAIN /
                           FLAGS.batch_size * cifar10.NUM_EPOCHS_PER_DECAY)

  def _layer(self, name, x):
    """A 5x5 convolution (stride 1) or a product, with the layer's biases."""
    w = self.named[f'{name}/weights']
    y = tf.nn.conv2d(x, w, 1, 'SAME') if w.shape.rank == 4 else x @ w
    return y + self.named[f'{name}/biases']

  def logits(self, images):
    """Logits [batch, NUM_CLASSES] of float32 images [batch, 24, 24, 3]."""
    x = _lrn(_pool(tf.nn.relu(self._layer('conv1', images))))
    x = _pool(_lrn(tf.nn.relu(self._layer('conv2', x))))
    x = tf.reshape(x, [-1, self.named['local3/weights'].shape[0]])
    for name in ('local3', 'local4'):
      x = tf.nn.relu(self._layer(name, x))
    return self._layer('softmax_linear', x)

  def loss(self, images, labels):
    """Mean cross entropy plus the weight decay: a scalar."""
    cross_entropy = tf.reduce_mean(
        tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=labels, logits=self.logits(images)))
    return cross_entropy + tf.add_n([
        decay * tf.nn.l2_loss(self.named[f'{name}/weights'])
        for name, *_, decay in self.LAYERS if decay])

  @tf.function
  def train_step(self, images, labels):
    """A step of gradient descent, then the averages; returns the loss."""
    with tf.GradientTape() as tape:
      loss = self.loss(images, labels)
    grads = tape.gradient(loss, self.params)
    drops = tf.cast(self.global_step // self.decay_steps, tf.float32)
    rate = (cifar10.INITIAL_LEARNING_RATE *
            cifar10.LEARNING_RATE_DECAY_FACTOR ** drops)
    for param, grad in zip(self.params, grads):
      param.assign_sub(rate * grad)
    step = tf.cast(self.global_step.assign_add(1), tf.float32)
    keep = tf.minimum(cifar10.MOVING_AVERAGE_DECAY, (1 + step) / (10 + step))
    for average, param in zip(self.averages, self.params):
      average.assign(keep * average + (1 - keep) * param)
    return loss


def measure_twin():
  """The twin's step on a batch in memory."""
  images, labels = (tf.constant(a) for a in _memory_batch())
  twin = Twin()
  first_loss = float(twin.loss(images, labels))
  windows = _time_windows(lambda: twin.train_step(images, labels).numpy())
  return {'windows': windows, 'first_loss': first_loss,
          'parameters': sum(p.shape.num_elements() for p in twin.params)}


def measure_peak():
  """Products of PEAK_SIDE-square float32 matrices, in multiply-adds/s."""
  a = tf.random.normal([PEAK_SIDE, PEAK_SIDE])
  # The sum keeps the product from being dropped, for PEAK_SIDE^2 adds more.
  product = tf.function(lambda: tf.reduce_sum(tf.matmul(a, a)))
  return {'windows': _time_windows(lambda: product().numpy(),
                                   work_per_step=PEAK_SIDE ** 3)}


def training_macs_per_image():
  """Multiply-adds of one training image in the convolutions and products:
  the forward pass, as many again for the weights' gradients, and as many
  for the gradients of each layer's input but conv1's (the image)."""
  side = cifar10.IMAGE_SIZE
  positions = {'conv1': side * side, 'conv2': (side // 2) ** 2}
  forward = {name: positions.get(name, 1) * int(np.prod(shape))
             for name, shape, *_ in Twin.LAYERS}
  return 3 * sum(forward.values()) - forward['conv1']


def _onednn_enabled():
  """Whether TensorFlow chose oneDNN kernels as it loaded; None if unknown
  (only a private module says)."""
  try:
    from tensorflow.python.util import _pywrap_util_port
    return bool(_pywrap_util_port.IsMklEnabled())
  except (ImportError, AttributeError):
    return None


def measure():
  """Makes the --measure measurement; prints its figures as one line."""
  figures = {'input': measure_input, 'ceiling': measure_ceiling,
             'full': measure_full, 'eval': measure_eval,
             'twin': measure_twin, 'peak': measure_peak}[FLAGS.measure]()
  figures['onednn'] = _onednn_enabled()
  print(RESULT_PREFIX + json.dumps(figures))


# The benchmark: rounds of processes, and what they add up to.

Variant = collections.namedtuple(
    'Variant', ['group', 'name', 'measurements', 'env', 'flags'])
DEFAULTS = Variant(None, 'defaults', MEASUREMENTS, {}, ())


def variants(groups, cores, threads, onednn):
  """The Variants of `groups`, each one setting changed for the measurements
  it touches, given the machine's `cores` and the defaults' preprocessing
  `threads` and TF_ENABLE_ONEDNN_OPTS (`onednn`, '1' or '0')."""
  flip = '0' if onednn == '1' else '1'
  table = {
      'onednn': [Variant('onednn', 'onednn_' + ('off', 'on')[int(flip)],
                         ('ceiling', 'full', 'twin'), {ONEDNN: flip}, ())],
      'lrn': [Variant('lrn', 'lrn_kernels', ('ceiling', 'full'), {},
                      ('--nofast_lrn',))],
      'records_per_read': [Variant('records_per_read', 'records_per_read_1',
                                   ('input', 'full'), {},
                                   ('--records_per_read=1',))],
      'preprocess_threads': [
          Variant('preprocess_threads', f'threads_{n}', ('input', 'full'), {},
                  (f'--num_preprocess_threads={n}',))
          for n in sorted({cores, 2 * cores, 16} - {threads})],
      # Past the end of any run: only the first step writes summaries.
      'summaries': [Variant('summaries', 'summaries_off', ('full',), {},
                            (f'--save_summaries_steps={10 ** 9}',))],
      'input_pipeline': [Variant('input_pipeline', 'tf_data',
                                 ('input', 'full', 'eval'), {},
                                 ('--input_pipeline=tf_data',))],
      'mixed_precision': [
          Variant('mixed_precision', precision, ('ceiling', 'full'), {},
                  (f'--mixed_precision={precision}',))
          for precision in ('bfloat16', 'float16')],
      'deterministic': [Variant('deterministic', 'deterministic', ('full',),
                                {}, ('--seed=1', '--deterministic'))],
  }
  return [variant for group in VARIANT_GROUPS if group in groups
          for variant in table[group]]


def _run(measurement, variant):
  """Runs one measurement in a fresh process of this script, with the
  variant's environment and flags; returns its figures and wall time."""
  command = ([sys.executable, os.path.abspath(__file__)] + sys.argv[1:] +
             [f'--measure={measurement}'] + list(variant.flags))
  start = time.perf_counter()
  proc = subprocess.run(command, env=dict(os.environ, **variant.env),
                        capture_output=True, text=True, check=False)
  lines = [line for line in proc.stdout.splitlines()
           if line.startswith(RESULT_PREFIX)]
  if proc.returncode or not lines:
    sys.exit(f'benchmark.py: error: the {measurement} run of {variant.name} '
             f'ended with status {proc.returncode}:\n{proc.stdout[-1500:]}\n'
             f'{proc.stderr[-3000:]}')
  figures = json.loads(lines[-1][len(RESULT_PREFIX):])
  figures['wall_seconds'] = time.perf_counter() - start
  return figures


def pool(runs):
  """A row from its processes: the median, minimum and maximum of all their
  windows, the windows, and the median of each other figure."""
  windows = [rate for run in runs for rate in run['windows']]
  row = {'median': statistics.median(windows), 'min': min(windows),
         'max': max(windows), 'windows': windows}
  for key in EXTRAS:
    if key in runs[0]:
      row[key] = statistics.median(run[key] for run in runs)
  return row


def compare(windows, default_windows):
  """A variant's rates (`windows`) against the defaults' for its row.

  With nothing changed, the defaults' windows spread from min / median to
  max / median of their median: a variant whose ratio falls in that band
  is inside the noise of this machine.

  Returns:
    Dict: `ratio` of the medians; `ratio_min` and `ratio_max`, the
    variant's slowest and fastest windows over the defaults' median;
    `noise`, the defaults' band [low, high]; `inside_noise`.
  """
  base = statistics.median(default_windows)
  ratio = statistics.median(windows) / base
  noise = [min(default_windows) / base, max(default_windows) / base]
  return {'ratio': ratio, 'ratio_min': min(windows) / base,
          'ratio_max': max(windows) / base, 'noise': noise,
          'inside_noise': noise[0] <= ratio <= noise[1]}


def _cpu_model():
  """The CPU's model name, from /proc/cpuinfo where there is one."""
  if os.path.exists('/proc/cpuinfo'):
    with open('/proc/cpuinfo') as f:
      for line in f:
        if line.startswith('model name'):
          return line.split(':', 1)[1].strip()
  return platform.processor() or platform.machine()


# The CPU features that move this model's speed most, as `lscpu` and
# /proc/cpuinfo name them: AVX-512 for oneDNN's float32 kernels, and the
# bfloat16 instructions for --mixed_precision=bfloat16.
CPU_FEATURES = ('avx512f', 'avx512_bf16', 'amx_bf16')


def cpu_features(cpuinfo='/proc/cpuinfo'):
  """Which of CPU_FEATURES the CPU has; None where it cannot tell."""
  try:
    with open(cpuinfo) as f:
      flags = set(f.read().split())
  except OSError:
    return None
  return [name for name in CPU_FEATURES if name in flags]


def _features_text(features):
  if features is None:
    return ''
  missing = [name for name in CPU_FEATURES if name not in features]
  return ' (%s%s)' % (', '.join(features) or 'none of ' + ', '.join(missing),
                      '; no ' + ', '.join(missing)
                      if features and missing else '')


def benchmark():
  """Runs the rounds, prints the table, writes --json_out; returns the
  report."""
  try:
    cifar10.maybe_download_and_extract()  # Writes --fake_data files once.
  except cifar10_prepare.UserError as e:
    sys.exit(f'benchmark.py: error: {e}')
  cores = (len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity')
           else os.cpu_count())
  threads = cifar10_input.preprocess_thread_count()
  chosen = variants(FLAGS.variants, cores, threads,
                    os.environ.get(ONEDNN, '1'))
  jobs = [(m, v) for v in [DEFAULTS] + chosen for m in v.measurements]
  print(f'Rounds: {FLAGS.rounds}, of {len(jobs)} processes each: '
        f'{", ".join(v.name for v in [DEFAULTS] + chosen)}.')
  runs = []
  for number in range(1, FLAGS.rounds + 1):
    for measurement, variant in jobs:
      runs.append(dict(_run(measurement, variant), round=number,
                       measurement=measurement, variant=variant.name))
      print(f'  round {number}  {measurement:8} {variant.name:14} '
            f'{statistics.median(runs[-1]["windows"]):14,.0f} /s  '
            f'({runs[-1]["wall_seconds"]:.0f} s)', flush=True)

  def row(measurement, variant):
    return pool([run for run in runs if run['measurement'] == measurement
                 and run['variant'] == variant.name])

  measurements = {m: dict(row(m, DEFAULTS), unit='images/s')
                  for m in MEASUREMENTS}
  measurements['peak']['unit'] = 'multiply-adds/s'
  rows = [dict(pooled, group=v.group, name=v.name, measurement=m, env=v.env,
               flags=list(v.flags),
               **compare(pooled['windows'], measurements[m]['windows']))
          for v in chosen for m in v.measurements
          for pooled in [row(m, v)]]
  median = {m: figures['median'] for m, figures in measurements.items()}
  macs = training_macs_per_image()
  report = {
      'machine': {'cpu': _cpu_model(), 'cpu_features': cpu_features(),
                  'cores': cores,
                  'tensorflow': tf.__version__,
                  'python': platform.python_version(),
                  'onednn': runs[0]['onednn']},
      'settings': {'batch_size': FLAGS.batch_size, 'rounds': FLAGS.rounds,
                   'repeats': FLAGS.repeats, 'steps': FLAGS.steps,
                   'warmup_steps': FLAGS.warmup_steps,
                   'data': 'synthetic' if FLAGS.fake_data else 'real',
                   'min_fraction_of_examples_in_queue':
                       FLAGS.min_fraction_of_examples_in_queue,
                   'num_preprocess_threads': threads,
                   'num_examples': FLAGS.num_examples,
                   'macs_per_image': macs, 'variants': FLAGS.variants},
      'measurements': measurements,
      'ratios': {'full_over_ceiling': median['full'] / median['ceiling'],
                 'full_over_twin': median['full'] / median['twin'],
                 'full_share_of_peak': median['full'] * macs / median['peak']},
      'variants': rows,
      'runs': runs,
  }
  print('\n' + format_table(report))
  with open(FLAGS.json_out, 'w') as f:
    json.dump(report, f, indent=2, sort_keys=True)
  print(f'\nEvery figure: {FLAGS.json_out}')
  return report


def format_table(report):
  """The report (as in --json_out) as a Markdown table, under a line that
  names the machine."""
  machine, settings = report['machine'], report['settings']
  onednn = {True: 'on', False: 'off'}.get(machine['onednn'], 'unknown')
  caption = (
      f'{machine["cpu"]}{_features_text(machine.get("cpu_features"))}, '
      f'{machine["cores"]} cores; TensorFlow '
      f'{machine["tensorflow"]}, oneDNN {onednn}, Python '
      f'{machine["python"]}. {settings["data"].capitalize()} data, batch '
      f'{settings["batch_size"]}; windows of {settings["steps"]} steps, '
      f'{settings["repeats"]} a process; rounds: {settings["rounds"]}.')
  lines = [caption, '', '| row | median | min - max | inside the noise |',
           '| --- | ---: | ---: | --- |']
  for name in MEASUREMENTS:
    m = report['measurements'][name]
    spec = '.3g' if name == 'peak' else ',.0f'
    lines.append(f'| {TITLES[name]}, {m["unit"]} | {m["median"]:{spec}} | '
                 f'{m["min"]:{spec}} - {m["max"]:{spec}} | |')
  ratios = report['ratios']
  lines += [f'| full / ceiling | {ratios["full_over_ceiling"]:.2f} | | |',
            f'| full / twin | {ratios["full_over_twin"]:.2f} | | |',
            f'| full, share of peak | {ratios["full_share_of_peak"]:.2f} | | |']
  for v in report['variants']:
    setting = ' '.join([f'{k}={value}' for k, value in v['env'].items()] +
                       v['flags'])
    low, high = v['noise']
    lines.append(
        f'| {v["name"]} (`{setting}`), {v["measurement"]} / defaults | '
        f'{v["ratio"]:.2f} | {v["ratio_min"]:.2f} - {v["ratio_max"]:.2f} | '
        f'{"yes" if v["inside_noise"] else "no"} ({low:.2f} - {high:.2f}) |')
  return '\n'.join(lines)


def main(argv=None):
  del argv  # Unused: absl has parsed the flags.
  tf.compat.v1.logging.set_verbosity(tf.compat.v1.logging.ERROR)
  if FLAGS.table_from:
    with open(FLAGS.table_from) as f:
      print(format_table(json.load(f)))
    return
  if FLAGS.quick:
    for name, value in QUICK_SETTINGS.items():
      if not FLAGS[name].present:
        setattr(FLAGS, name, value)
  if FLAGS.measure:
    measure()
  else:
    benchmark()


if __name__ == '__main__':
  app.run(main)
