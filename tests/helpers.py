# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""What the tests share besides fixtures: the suite's printed lines as
patterns, script runners, checkpoints and files written for a test, and
download sources served from 127.0.0.1. The fixtures are in conftest.py."""

import contextlib
import functools
import hashlib
import http.server
import io
import os
import re
import signal
import subprocess
import sys
import tarfile
import threading
import time

import numpy as np
import tensorflow as tf

import cifar10
import cifar10_checkpoints
import cifar10_data

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Small queue and few threads: quick to fill, same pipeline.
QUICK = ('--min_fraction_of_examples_in_queue=0.02',
         '--num_preprocess_threads=4')

LOG_LINE = re.compile(r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: step (\d+), '
                      r'loss = (\d+\.\d\d) \((\d+\.\d) examples/sec; '
                      r'(\d+\.\d\d\d) sec/batch\)$', re.M)
PRECISION_LINE = re.compile(r'^\d{4}-\d\d-\d\d [\d:.]+: precision @ 1 = '
                            r'(\d\.\d\d\d)$', re.M)

# Sizes of the small synthetic data set that the fast tests share.
SMALL_TRAIN_RECORDS = 300
SMALL_TEST_RECORDS = 2000


# The first records of the --fake_data test file as image files (the
# record_pngs fixture).
NUM_RECORD_PNGS = 100


def run_script(script, *args, timeout=300, check=True):
  """Runs one of the suite's scripts in a fresh Python process.

  Args:
    script: File name, such as 'cifar10_train.py'.
    *args: Command-line flags.
    timeout: Seconds before the run counts as hung.
    check: Fail the test unless the exit status is 0.

  Returns:
    subprocess.CompletedProcess with text stdout and stderr.
  """
  env = dict(os.environ, PYTHONUNBUFFERED='1')
  proc = subprocess.run([sys.executable, os.path.join(ROOT, script)] +
                        list(args), cwd=ROOT, env=env, capture_output=True,
                        text=True, timeout=timeout)
  if check and proc.returncode:
    raise AssertionError('%s failed with status %d:\n%s\n%s' % (
        script, proc.returncode, proc.stdout[-3000:], proc.stderr[-3000:]))
  return proc


@contextlib.contextmanager
def queues_running(sess):
  """Runs the body with the graph's queue runners started (local variables,
  such as epoch counters, initialized first), then stops and joins them."""
  sess.run(tf.compat.v1.local_variables_initializer())
  coord = tf.train.Coordinator()
  threads = tf.compat.v1.train.start_queue_runners(sess=sess, coord=coord)
  try:
    yield
  finally:
    coord.request_stop()
    coord.join(threads)


def records_labels(path):
  """The label byte of each record of a CIFAR-10 binary file."""
  data = np.fromfile(path, dtype=np.uint8)
  return data[::cifar10_data.RECORD_BYTES]


def write_model_checkpoint(train_dir, step, load_values=None):
  """Builds the model with its moving averages, lets `load_values(sess,
  averages)` set them, and saves a checkpoint at `step`; returns its path."""
  with tf.Graph().as_default():
    tf.compat.v1.set_random_seed(step)
    global_step = tf.compat.v1.train.get_or_create_global_step()
    cifar10.inference(tf.zeros([1, 24, 24, 3]))
    averages = tf.compat.v1.train.ExponentialMovingAverage(
        cifar10.MOVING_AVERAGE_DECAY, global_step)
    averages.apply(tf.compat.v1.trainable_variables())
    with tf.compat.v1.Session() as sess:
      sess.run(tf.compat.v1.global_variables_initializer())
      if load_values:
        load_values(sess, averages)
      global_step.load(step, sess)
      return tf.compat.v1.train.Saver().save(
          sess, os.path.join(train_dir, 'model.ckpt'), global_step=step)


def write_constant_checkpoint(train_dir, step, raw_class, shadow_class):
  """A checkpoint whose raw model always predicts `raw_class` and whose
  moving-average (shadow) model always predicts `shadow_class`."""
  def load_values(sess, averages):
    for var in tf.compat.v1.trainable_variables():
      # All weights zero: the logits are the softmax_linear biases.
      for target, cls in ((var, raw_class),
                          (averages.average(var), shadow_class)):
        value = np.zeros(var.shape.as_list(), np.float32)
        if var.op.name == 'softmax_linear/biases':
          value[cls] = 10.0
        target.load(value, sess)
  return write_model_checkpoint(train_dir, step, load_values)


def write_random_checkpoint(train_dir, step=1):
  """A checkpoint of a freshly initialized model whose moving averages are
  random weights too: its predictions depend on the pixels."""
  return write_model_checkpoint(train_dir, step)


def write_checkpoint_of_other_width(train_dir, local3_units):
  """A checkpoint, moving averages included, of the model with another
  number of units in local3 (and so another input width in local4)."""
  with tf.Graph().as_default():
    cifar10.inference(tf.zeros([1, 24, 24, 3]))
    shapes = {v.op.name: v.shape.as_list()
              for v in tf.compat.v1.trainable_variables()}
  shapes['local3/weights'][1] = local3_units
  shapes['local3/biases'] = [local3_units]
  shapes['local4/weights'][0] = local3_units
  with tf.Graph().as_default():
    saved = {'global_step': tf.compat.v1.Variable(7, dtype=tf.int64)}
    for name, shape in shapes.items():
      for key in (name, name + '/ExponentialMovingAverage'):
        saved[key] = tf.compat.v1.Variable(tf.zeros(shape))
    with tf.compat.v1.Session() as sess:
      sess.run(tf.compat.v1.global_variables_initializer())
      return tf.compat.v1.train.Saver(saved).save(
          sess, os.path.join(train_dir, 'model.ckpt'), global_step=7)


def encode_png(image):
  """PNG bytes of a uint8 array [height, width, channels]."""
  with tf.Graph().as_default(), tf.compat.v1.Session() as sess:
    return sess.run(tf.io.encode_png(image))


# Folders of labelled images, as cifar10-make-records reads them.

def _hue_image(class_index, num_classes, rng, height=40, width=48):
  """A noisy image whose hue gives away its class."""
  angle = 2 * np.pi * class_index / num_classes
  hue = np.array([np.cos(angle), np.cos(angle - 2.1), np.cos(angle + 2.1)])
  pixels = (rng.uniform(80, 170) + 45 * hue +
            rng.normal(0, 20, size=(height, width, 3)))
  return np.clip(np.rint(pixels), 0, 255).astype(np.uint8)


def image_folder(root, per_class, names=('apple', 'kiwi', 'plum'), seed=0):
  """IMAGE_DIR/<name>/<i>.png of hue-coded images; returns the folder."""
  rng = np.random.default_rng(seed)
  for c, name in enumerate(names):
    os.makedirs(os.path.join(root, name), exist_ok=True)
    for i in range(per_class):
      with open(os.path.join(root, name, '%03d.png' % i), 'wb') as f:
        f.write(encode_png(_hue_image(c, len(names), rng)))
  return root


# Class names of the CIFAR-100 files the tests write.
FINE = ['fine_%d' % i for i in range(100)]
COARSE = ['coarse_%d' % i for i in range(20)]


# Download sources: tarballs built in memory, served from 127.0.0.1.

def tarball(members):
  """Builds a .tar.gz in memory from {name: bytes}."""
  buf = io.BytesIO()
  with tarfile.open(fileobj=buf, mode='w:gz') as tar:
    for name, data in members.items():
      info = tarfile.TarInfo(name)
      info.size = len(data)
      tar.addfile(info, io.BytesIO(data))
  return buf.getvalue()


@contextlib.contextmanager
def serve_folder(directory):
  """Serves a folder over HTTP on a free 127.0.0.1 port; yields the base URL."""
  handler = functools.partial(http.server.SimpleHTTPRequestHandler,
                              directory=directory)
  handler.log_message = lambda *args: None
  server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
  thread = threading.Thread(target=server.serve_forever, daemon=True)
  thread.start()
  try:
    yield 'http://127.0.0.1:%d/' % server.server_address[1]
  finally:
    server.shutdown()
    server.server_close()


def publish(tmp_path, data, name='cifar-10-binary.tar.gz'):
  """Puts `data` in a new folder to serve, as `name`; returns the folder
  and the data's MD5."""
  served = tmp_path / 'served'
  served.mkdir()
  (served / name).write_bytes(data)
  return str(served), hashlib.md5(data).hexdigest()


def no_file_at(path, kind):
  """Puts a FIFO (`kind` 'fifo') or a folder ('folder') where a file
  belongs; returns the pattern of the line that must name it."""
  if kind == 'fifo':
    os.mkfifo(str(path))
  else:
    os.mkdir(str(path))
  return r'%s is a %s, not a file' % (re.escape(str(path)),
                                      'FIFO' if kind == 'fifo' else kind)


@contextlib.contextmanager
def no_hang(seconds=30):
  """Fails the test, rather than hanging it, if the block blocks (reading a
  FIFO, say) for `seconds`."""
  def fail(signum, frame):
    raise AssertionError('still blocked after %d s' % seconds)
  previous = signal.signal(signal.SIGALRM, fail)
  signal.alarm(seconds)
  try:
    yield
  finally:
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


# Scripts run in the background, and what the tests read of their folders.

# The environment of a script started by a test.
ENV = dict(os.environ, PYTHONUNBUFFERED='1', TF_CPP_MIN_LOG_LEVEL='2')


class Trainer(object):
  """A training script running in the background, its output in a file."""

  def __init__(self, tmp_path, name, script, *args, preexec_fn=None):
    self.log_path = str(tmp_path / (name + '.log'))
    with open(self.log_path, 'w') as log:
      self.proc = subprocess.Popen(
          [sys.executable, os.path.join(ROOT, script)] + list(args),
          cwd=ROOT, env=ENV, stdout=log, stderr=subprocess.STDOUT,
          preexec_fn=preexec_fn)

  @property
  def output(self):
    with open(self.log_path) as f:
      return f.read()

  def wait_for(self, pattern, timeout=180):
    deadline = time.time() + timeout
    while not re.search(pattern, self.output):
      assert self.proc.poll() is None, 'exited early:\n' + self.output[-3000:]
      assert time.time() < deadline, 'no %r in:\n%s' % (pattern,
                                                       self.output[-3000:])
      time.sleep(0.2)

  def wait(self, timeout):
    return self.proc.wait(timeout=timeout)

  def kill(self):
    if self.proc.poll() is None:
      self.proc.kill()
      self.proc.wait()


def checkpoint_step_of(train_dir):
  """The global step of the newest checkpoint in `train_dir`, or None."""
  path = tf.train.latest_checkpoint(train_dir)
  return int(tf.train.load_variable(path, 'global_step')) if path else None


def last_line(proc):
  """The last line a finished script wrote to stderr: its one-line error."""
  return proc.stderr.strip().splitlines()[-1]


def under_a_file(tmp_path):
  """A path below a file: no folder can be made there."""
  blocker = tmp_path / 'a_file'
  blocker.write_text('not a folder')
  return str(blocker / 'sub')


def save_tiny_checkpoints(train_dir, steps):
  """Writes one checkpoint of a tiny model at each of `steps`; their paths."""
  paths = []
  with tf.Graph().as_default():
    global_step = tf.compat.v1.train.get_or_create_global_step()
    tf.compat.v1.get_variable('w', [2], initializer=tf.ones_initializer())
    saver = tf.compat.v1.train.Saver(max_to_keep=10)
    with tf.compat.v1.Session() as sess:
      sess.run(tf.compat.v1.global_variables_initializer())
      for step in steps:
        global_step.load(step, sess)
        paths.append(saver.save(sess, os.path.join(train_dir, 'model.ckpt'),
                                global_step=step))
  return paths


def listed_steps(train_dir):
  """The steps of the checkpoints that the `checkpoint` file lists."""
  state = tf.train.get_checkpoint_state(train_dir)
  return [cifar10_checkpoints.checkpoint_step(p)
          for p in state.all_model_checkpoint_paths] if state else []


# Trainers run on --fake_data, and the checkpoints they write.

def train_for_losses(data_root, train_dir, *flags,
                     script='cifar10_train.py', max_steps=20):
  """Trains on --fake_data to `max_steps`, with a checkpoint every 10
  steps; returns (step, loss) of each step line."""
  out = run_script(script, '--fake_data', '--data_dir=' + data_root,
                   '--train_dir=' + str(train_dir), '--log_frequency=5',
                   '--save_checkpoint_steps=10', '--max_steps=%d' % max_steps,
                   *(QUICK + flags)).stdout
  return [(int(step), loss) for step, loss, _, _ in LOG_LINE.findall(out)]


def checkpoint_tensors(train_dir, step):
  """{name: value} of every tensor in the checkpoint of `step`."""
  reader = tf.train.load_checkpoint(
      os.path.join(str(train_dir), 'model.ckpt-%d' % step))
  return {name: reader.get_tensor(name)
          for name in reader.get_variable_to_shape_map()}


def assert_same_bits(train_dir, other_dir, steps):
  """Asserts that the checkpoints of `steps` in both folders hold the same
  tensors, bit for bit."""
  for step in steps:
    ours = checkpoint_tensors(train_dir, step)
    theirs = checkpoint_tensors(other_dir, step)
    assert sorted(ours) == sorted(theirs)
    for name in ours:
      assert ours[name].tobytes() == theirs[name].tobytes(), (step, name)


def known_records(num):
  """Records whose every byte is known: label i % 10, distinct pixels."""
  rng = np.random.default_rng(123)
  labels = np.arange(num) % 10
  images = rng.integers(0, 256, size=(num, 32, 32, 3), dtype=np.uint8)
  return labels, images


def copy_small(small_data_dir, dest):
  """A copy of the small data folder in `dest`, for a test to damage."""
  os.makedirs(dest)
  for name in os.listdir(small_data_dir):
    with open(os.path.join(small_data_dir, name), 'rb') as f:
      data = f.read()
    with open(os.path.join(dest, name), 'wb') as f:
      f.write(data)
  return dest

