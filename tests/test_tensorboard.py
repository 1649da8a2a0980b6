# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""The tensorboard command (and cifar10/make_figures.py) on the suite's logs."""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest

import cifar10_checkpoints
from helpers import run_script

pytestmark = pytest.mark.slow

LAYERS = ('conv1', 'conv2', 'local3', 'local4', 'softmax_linear')


def _free_port():
  with socket.socket() as s:
    s.bind(('127.0.0.1', 0))
    return s.getsockname()[1]


def _get(base, path, **query):
  url = base + path + ('?' + urllib.parse.urlencode(query) if query else '')
  with urllib.request.urlopen(url, timeout=30) as response:
    return json.loads(response.read().decode())


@pytest.fixture(scope='module')
def logdir(trained, fake_data_root, tmp_path_factory):
  """As in the README: one folder above a train_dir and its eval_dir."""
  logs = tmp_path_factory.mktemp('logs')
  train_dir = str(logs / 'train')
  shutil.copytree(trained[0], train_dir)
  run_script('cifar10_eval.py', '--fake_data', '--run_once',
             '--data_dir=' + fake_data_root, '--checkpoint_dir=' + train_dir,
             '--eval_dir=%s' % (logs / 'eval'), '--num_examples=500')
  return logs


@pytest.fixture(scope='module')
def tensorboard(logdir, tmp_path_factory):  # pylint: disable=redefined-outer-name
  """A TensorBoard server over a training run and its evaluation."""
  port = _free_port()
  log = open(str(tmp_path_factory.mktemp('tb') / 'tensorboard.log'), 'w')
  server = subprocess.Popen(
      [sys.executable, '-m', 'tensorboard.main', '--logdir=%s' % logdir,
       '--host=127.0.0.1', '--port=%d' % port, '--reload_interval=1'],
      stdout=log, stderr=subprocess.STDOUT)
  base = 'http://127.0.0.1:%d' % port
  try:
    deadline = time.time() + 120
    while True:
      assert server.poll() is None, 'tensorboard exited'
      try:
        tags = _get(base, '/data/plugin/scalars/tags')
        if ('Precision @ 1' in tags.get('eval', {}) and
            'learning_rate' in tags.get('train', {})):
          break
      except OSError:
        pass
      assert time.time() < deadline, 'tensorboard did not load the runs'
      time.sleep(1)
    yield base
  finally:
    server.terminate()
    server.wait(timeout=30)
    log.close()


def test_training_scalars(tensorboard):
  tags = _get(tensorboard, '/data/plugin/scalars/tags')['train']
  expected = {'learning_rate', 'total_loss', 'total_loss (raw)',
              'cross_entropy', 'cross_entropy (raw)', 'local3/weight_loss',
              'local4/weight_loss'}
  expected |= {layer + '/sparsity' for layer in LAYERS}
  assert expected <= set(tags)
  points = _get(tensorboard, '/data/plugin/scalars/scalars', run='train',
                tag='learning_rate')
  assert points and all(value == pytest.approx(0.1)
                        for _, _, value in points)


def test_evaluation_scalars_and_confusion_matrix(tensorboard):
  tags = _get(tensorboard, '/data/plugin/scalars/tags')['eval']
  assert 'Precision @ 1' in tags
  assert {'precision_per_class/airplane', 'precision_per_class/truck'} <= set(
      tags)
  [(_, step, value)] = _get(tensorboard, '/data/plugin/scalars/scalars',
                            run='eval', tag='Precision @ 1')
  assert step == 200 and value >= 0.9
  images = _get(tensorboard, '/data/plugin/images/tags')
  assert 'confusion_matrix' in images['eval']
  [table] = _get(tensorboard, '/data/plugin/text/text', run='eval',
                 tag='confusion_matrix_counts')
  assert table['step'] == 200
  assert '<td><p>airplane</p></td>' in table['text']


def test_input_images(tensorboard):
  images = _get(tensorboard, '/data/plugin/images/tags')
  # The tutorial's `images` summary: three images of a batch, as TF 1.x
  # named them.
  assert {'images/image/0', 'images/image/1', 'images/image/2'} <= set(
      images['train'])


def test_histograms_of_activations_variables_and_gradients(tensorboard):
  tags = set(_get(tensorboard, '/data/plugin/histograms/tags')['train'])
  for layer in LAYERS:
    assert {layer + '/activations', layer + '/weights', layer + '/biases',
            layer + '/weights/gradients'} <= tags


def test_graphs_tab_shows_each_layer_of_training_and_evaluation(
    tensorboard):
  info = _get(tensorboard, '/data/plugin/graphs/info')
  assert info['train']['run_graph'] and info['eval']['run_graph']
  for run in ('train', 'eval'):
    url = '%s/data/plugin/graphs/graph?%s' % (
        tensorboard, urllib.parse.urlencode({'run': run}))
    with urllib.request.urlopen(url, timeout=30) as response:
      graph = response.read().decode()
    names = set(re.findall(r'^\s*name: "([^"]+)"', graph, re.M))
    for layer in LAYERS:
      assert '%s/weights' % layer in names, (run, layer)
    assert {'conv1/Conv2D', 'conv2/Conv2D', 'norm1', 'pool1'} <= names, run
    # Only training updates the weights.
    updates = any(n.endswith('GradientDescent') for n in names)
    assert updates == (run == 'train'), run


def test_make_figures_renders_the_walkthrough_pngs(logdir, fake_data_root,  # pylint: disable=redefined-outer-name
                                                   tmp_path):
  figures = tmp_path / 'figures'
  proc = run_script(os.path.join('cifar10', 'make_figures.py'), '--fake_data',
                    '--data_dir=' + fake_data_root,
                    '--train_dir=%s' % (logdir / 'train'),
                    '--eval_dir=%s' % (logdir / 'eval'),
                    '--figures_dir=%s' % figures,
                    '--min_fraction_of_examples_in_queue=0.002')
  names = ['total_loss.png', 'learning_rate.png', 'precision.png',
           'confusion_matrix.png', 'inputs.png']
  assert sorted(os.listdir(str(figures))) == sorted(names + ['precision.csv'])
  image_module = pytest.importorskip('matplotlib.image')
  for name in names:
    pixels = image_module.imread(str(figures / name))
    # A drawn figure of a readable size, not a blank canvas.
    assert pixels.shape[0] >= 200 and pixels.shape[1] >= 300, name
    assert pixels[..., :3].std() > 0.05, name
  assert 'wrote' in proc.stdout

  # The curve as numbers, each evaluation's step and precision; from it
  # alone, precision.png is drawn again.
  precision = dict(cifar10_checkpoints.read_scalars(str(logdir / 'eval'),
                                                    'Precision @ 1'))
  lines = (figures / 'precision.csv').read_text().split()
  assert len(lines) > 1
  assert lines == ['step,precision_at_1'] + [
      '%d,%.4f' % (step, value) for step, value in sorted(precision.items())]
  os.remove(str(figures / 'precision.png'))
  run_script(os.path.join('cifar10', 'make_figures.py'), '--from_curve',
             '--figures_dir=%s' % figures, '--train_dir=/nonexistent')
  assert (figures / 'precision.png').stat().st_size > 10000
