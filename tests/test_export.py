# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""cifar10_export.py: the SavedModel for serving and the TensorFlow Lite
models for phones."""

import importlib.util
import json
import os
import re
import shutil
import stat
import subprocess
import sys

import numpy as np
import pytest
import tensorflow as tf

import cifar10
import cifar10_data
import cifar10_export
import cifar10_predict
from cifar10_prepare import UserError
from helpers import (ROOT, encode_png, run_script,
                     write_checkpoint_of_other_width, write_constant_checkpoint)

NAMES = cifar10_data.CLASS_NAMES


def _export(checkpoint, export_dir, **kwargs):
  os.makedirs(export_dir, exist_ok=True)
  return cifar10_export.export(checkpoint, export_dir, 1, NAMES, **kwargs)


def _load(sess, path):
  """Loads a SavedModel into the session's graph; its signatures by name."""
  meta_graph = tf.compat.v1.saved_model.loader.load(
      sess, [cifar10_export.SERVE_TAG], path)
  return meta_graph.signature_def


def _run(sess, signature, **inputs):
  """Runs one signature of a loaded SavedModel: {output key: array}."""
  feeds = {signature.inputs[key].name: value for key, value in inputs.items()}
  keys = sorted(signature.outputs)
  values = sess.run([signature.outputs[key].name for key in keys], feeds)
  return dict(zip(keys, values))


def _noise_images(count, seed=0, size=32):
  rng = np.random.default_rng(seed)
  return rng.integers(0, 256, size=(count, size, size, 3), dtype=np.uint8)


def _listing(folder):
  return sorted(os.listdir(folder))


# The SavedModel, built in this process.

@pytest.fixture(scope='module')
def exported(random_checkpoint, tmp_path_factory):
  """(folder, step) of an export of `random_checkpoint`."""
  return _export(random_checkpoint,
                 str(tmp_path_factory.mktemp('exported') / 'export'))


def test_export_has_both_signatures_with_the_documented_types(exported):
  target, step = exported
  assert os.path.basename(target) == '1' and step == 1
  with tf.Graph().as_default(), tf.compat.v1.Session() as sess:
    signatures = _load(sess, target)
  assert set(signatures) == {'serving_default', 'predict_pixels'}
  inputs = {name: {key: (tf.as_dtype(info.dtype),
                         tf.TensorShape(info.tensor_shape).as_list())
                   for key, info in signature.inputs.items()}
            for name, signature in signatures.items()}
  assert inputs == {'serving_default': {'image_bytes': (tf.string, [None])},
                    'predict_pixels': {'images': (tf.uint8,
                                                  [None, 32, 32, 3])}}
  for signature in signatures.values():
    outputs = {key: (tf.as_dtype(info.dtype),
                     tf.TensorShape(info.tensor_shape).as_list())
               for key, info in signature.outputs.items()}
    assert outputs == {'probabilities': (tf.float32, [None, 10]),
                       'classes': (tf.int64, [None]),
                       'class_names': (tf.string, [None])}
    assert signature.method_name == 'tensorflow/serving/predict'
  # TensorFlow Serving may run as another user: the folder must be readable.
  assert stat.S_IMODE(os.stat(target).st_mode) & 0o055 == 0o055


def test_exported_model_holds_the_moving_averages(tmp_path):
  write_constant_checkpoint(str(tmp_path), 30, raw_class=5, shadow_class=3)
  target, _ = _export(tf.train.latest_checkpoint(str(tmp_path)),
                      str(tmp_path / 'export'))
  with tf.Graph().as_default(), tf.compat.v1.Session() as sess:
    signatures = _load(sess, target)
    out = _run(sess, signatures['predict_pixels'], images=_noise_images(4))
    variables = {v.op.name for v in tf.compat.v1.global_variables()}
  np.testing.assert_array_equal(out['classes'], [3] * 4)
  assert list(out['class_names']) == [b'cat'] * 4
  # The averages went into the model's own variables; no shadow copies.
  assert 'softmax_linear/biases' in variables
  assert not any('ExponentialMovingAverage' in name for name in variables)


def test_exported_model_computes_what_cifar10_predict_computes(
    tmp_path, random_checkpoint, exported):
  target, _ = exported
  images = _noise_images(3, seed=1, size=45)
  files = []
  for i, image in enumerate(images):
    files.append(str(tmp_path / ('%d.png' % i)))
    with open(files[-1], 'wb') as f:
      f.write(encode_png(image))
  expected, _ = cifar10_predict.predict(files, random_checkpoint)
  with tf.Graph().as_default(), tf.compat.v1.Session() as sess:
    signatures = _load(sess, target)
    from_bytes = _run(sess, signatures['serving_default'],
                      image_bytes=[open(f, 'rb').read() for f in files])
  np.testing.assert_allclose(from_bytes['probabilities'], expected,
                             rtol=1e-5)
  np.testing.assert_array_equal(from_bytes['classes'],
                                np.argmax(expected, axis=1))


# An existing version is never lost.

def test_an_existing_version_is_refused_and_left_alone(tmp_path,
                                                       random_checkpoint):
  export_dir = tmp_path / 'export'
  (export_dir / '1').mkdir(parents=True)
  (export_dir / '1' / 'saved_model.pb').write_text('the served model')
  with pytest.raises(UserError, match=r'export/1 already exists: pass '
                     r'--overwrite to replace it, or export as another '
                     r'--version'):
    _export(random_checkpoint, str(export_dir))
  assert _listing(str(export_dir)) == ['1']
  assert (export_dir / '1' / 'saved_model.pb').read_text() == (
      'the served model')


def test_a_dangling_link_at_the_version_is_named(tmp_path, random_checkpoint):
  export_dir = tmp_path / 'export'
  export_dir.mkdir()
  os.symlink(str(tmp_path / 'gone'), str(export_dir / '1'))
  with pytest.raises(UserError, match=r'export/1 is a symbolic link to .*gone, '
                     r'which does not exist: remove the link'):
    _export(random_checkpoint, str(export_dir), overwrite=True)


def test_overwrite_replaces_the_version_only_once_the_export_succeeds(
    tmp_path, random_checkpoint):
  export_dir = tmp_path / 'export'
  (export_dir / '1').mkdir(parents=True)
  (export_dir / '1' / 'saved_model.pb').write_text('the served model')
  other = write_checkpoint_of_other_width(str(tmp_path / 'other'), 100)
  with pytest.raises(UserError, match=r'cannot use .*model.ckpt-7: it holds '
                     r'local3/biases/ExponentialMovingAverage of shape '
                     r'\[100\] where the model has \[384\]'):
    _export(other, str(export_dir), overwrite=True)
  assert _listing(str(export_dir)) == ['1']
  assert (export_dir / '1' / 'saved_model.pb').read_text() == (
      'the served model')

  _export(random_checkpoint, str(export_dir), overwrite=True)
  assert _listing(str(export_dir)) == ['1']
  assert _listing(str(export_dir / '1')) == ['saved_model.pb', 'variables']
  with tf.Graph().as_default(), tf.compat.v1.Session() as sess:
    assert 'predict_pixels' in _load(sess, str(export_dir / '1'))


# End to end: the script's export of a trained model, loaded by a Python
# process that cannot import the suite.

LOADER = r'''
import importlib.abc
import json
import os
import sys
import warnings


class RefuseTheSuite(importlib.abc.MetaPathFinder):
  def find_spec(self, name, path=None, target=None):
    if name.startswith('cifar10'):
      raise ImportError('the suite is not importable here: ' + name)


sys.meta_path.insert(0, RefuseTheSuite())
import numpy as np
import tensorflow as tf

export, files_path, pixels_path = sys.argv[1:]
try:
  import cifar10_input
  suite_importable = True
except ImportError:
  suite_importable = False
model = tf.saved_model.load(export)
files = json.load(open(files_path))
from_bytes = model.signatures['serving_default'](
    image_bytes=tf.constant([open(f, 'rb').read() for f in files]))
pixels = np.load(pixels_path)
from_pixels = model.signatures['predict_pixels'](images=tf.constant(pixels))
# LiteRT's interpreter where it is installed, as use_your_model.md shows; else
# TensorFlow's own, the fallback it names.
try:
  from ai_edge_litert.interpreter import Interpreter
  runtime = 'ai_edge_litert'
except ImportError:
  Interpreter = tf.lite.Interpreter
  runtime = 'tf.lite'
tflite = {}
with warnings.catch_warnings():
  warnings.simplefilter('ignore')  # tf.lite.Interpreter's deprecation.
  for name in ('model.tflite', 'model_quantized.tflite'):
    path = os.path.join(export, name)
    runner = Interpreter(model_path=path).get_signature_runner(
        'predict_pixels')
    out = runner(images=pixels)
    tflite[name] = {'classes': out['classes'].tolist(),
                    'bytes': os.path.getsize(path)}
print(json.dumps({
    'suite_importable': suite_importable,
    'suite_modules': [m for m in sys.modules if m.startswith('cifar10')],
    'cwd': os.getcwd(),
    'bytes_classes': from_bytes['classes'].numpy().tolist(),
    'bytes_names': [n.decode() for n in from_bytes['class_names'].numpy()],
    'pixels_classes': from_pixels['classes'].numpy().tolist(),
    'pixels_probabilities': from_pixels['probabilities'].numpy().tolist(),
    'dtypes': {key: value.dtype.name for key, value in from_pixels.items()},
    'tflite': tflite,
    'tflite_runtime': runtime,
}))
'''

NUM_PIXEL_IMAGES = 1000


@pytest.fixture(scope='module')
def served(trained, fake_data_root, record_pngs, tmp_path_factory):
  """Exports the trained model with both .tflite files, then runs LOADER in
  a fresh process, in an empty folder, without PYTHONPATH."""
  export_dir = str(tmp_path_factory.mktemp('export'))
  proc = run_script('cifar10_export.py', '--checkpoint_dir=' + trained[0],
                    '--export_dir=' + export_dir, '--tflite',
                    '--tflite_quantize',
                    '--data_dir=%s' % tmp_path_factory.mktemp('no_data'))
  work = tmp_path_factory.mktemp('elsewhere')
  _, pixels = cifar10_data.read_records(
      os.path.join(fake_data_root, cifar10_data.FAKE_DATA_FOLDER,
                   'test_batch.bin'), NUM_PIXEL_IMAGES)
  np.save(str(work / 'pixels.npy'), pixels)
  (work / 'files.json').write_text(json.dumps(record_pngs[0]))
  env = {k: v for k, v in os.environ.items() if k != 'PYTHONPATH'}
  loader = subprocess.run(
      [sys.executable, '-c', LOADER, os.path.join(export_dir, '1'),
       'files.json', 'pixels.npy'], cwd=str(work), env=env,
      capture_output=True, text=True, timeout=300)
  assert loader.returncode == 0, loader.stderr[-3000:]
  result = json.loads(loader.stdout.strip().splitlines()[-1])
  result.update(export_dir=export_dir, export_stdout=proc.stdout,
                work=str(work))
  return result


@pytest.mark.slow
def test_saved_model_classifies_where_the_suite_cannot_be_imported(
    served, record_pngs):
  # The serving process ran outside the checkout, with every module of the
  # suite refused...
  assert served['cwd'] == served['work']
  assert not served['suite_importable']
  assert served['suite_modules'] == []
  # ...and the SavedModel alone gave each image a class and its name.
  files = len(record_pngs[0])
  assert len(served['bytes_classes']) == files
  assert all(0 <= c < cifar10.NUM_CLASSES for c in served['bytes_classes'])
  assert served['bytes_names'] == [NAMES[c] for c in served['bytes_classes']]
  assert len(served['pixels_classes']) == NUM_PIXEL_IMAGES


@pytest.mark.slow
def test_serving_default_gives_the_classes_of_cifar10_predict(served,
                                                             predicted):
  top1 = [row['predictions'][0]['class'] for row in predicted]
  assert served['bytes_names'] == top1
  assert [NAMES[i] for i in served['bytes_classes']] == top1


@pytest.mark.slow
def test_predict_pixels_classifies_the_pixels_as_their_image_files(served):
  count = len(served['bytes_classes'])
  assert served['pixels_classes'][:count] == served['bytes_classes']
  assert served['dtypes'] == {'probabilities': 'float32', 'classes': 'int64',
                              'class_names': 'string'}
  probabilities = np.array(served['pixels_probabilities'])
  assert probabilities.shape == (NUM_PIXEL_IMAGES, cifar10.NUM_CLASSES)
  np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


@pytest.mark.slow
def test_tflite_files_run_on_litert_where_it_is_installed(served):
  installed = importlib.util.find_spec('ai_edge_litert') is not None
  assert served['tflite_runtime'] == ('ai_edge_litert' if installed
                                      else 'tf.lite')


@pytest.mark.slow
def test_tflite_float_model_agrees_with_the_saved_model_on_every_image(
    served):
  float_classes = served['tflite']['model.tflite']['classes']
  assert len(float_classes) == NUM_PIXEL_IMAGES
  assert float_classes == served['pixels_classes']


@pytest.mark.slow
def test_tflite_quantized_model_agrees_on_99_percent_at_a_third_the_size(
    served):
  quantized = served['tflite']['model_quantized.tflite']
  agreement = np.mean(np.equal(quantized['classes'],
                               served['pixels_classes']))
  assert agreement >= 0.99
  assert quantized['bytes'] * 3 < served['tflite']['model.tflite']['bytes']
  assert 'model_quantized.tflite' in served['export_stdout']


def _litert_snippet(guide):
  """The Python block of `guide` (a path from the checkout) that runs a
  .tflite file with LiteRT."""
  with open(os.path.join(ROOT, guide)) as f:
    blocks = re.findall(r'^```python\n(.*?)^```$', f.read(), re.M | re.S)
  [snippet] = [block for block in blocks if 'ai_edge_litert' in block]
  return snippet


@pytest.mark.slow
@pytest.mark.parametrize('guide', ['README.md', 'cifar10/use_your_model.md'])
def test_the_litert_snippet_runs_as_written_on_a_png(served, record_pngs,
                                                     tmp_path, guide):
  pytest.importorskip('ai_edge_litert')
  pytest.importorskip('PIL')
  # As `cifar10-predict --save_test_images=pngs` names test image 1.
  (tmp_path / 'pngs').mkdir()
  shutil.copy(record_pngs[0][1], str(tmp_path / 'pngs' / 'test_0001_x.png'))
  snippet = _litert_snippet(guide).replace(
      '/tmp/cifar10_export', served['export_dir'])
  proc = subprocess.run([sys.executable, '-c', snippet], cwd=str(tmp_path),
                        capture_output=True, text=True, timeout=120)
  assert proc.returncode == 0, proc.stderr[-3000:]
  name, probability = proc.stdout.split()
  assert name == NAMES[served['tflite']['model.tflite']['classes'][1]]
  assert 0.1 <= float(probability) <= 1.0  # The likeliest of ten.


@pytest.mark.slow
def test_export_script_refuses_an_existing_version_in_one_line(served,
                                                               trained):
  version = os.path.join(served['export_dir'], '1')
  before = {name: os.path.getmtime(os.path.join(version, name))
            for name in os.listdir(version)}
  proc = run_script('cifar10_export.py', '--checkpoint_dir=' + trained[0],
                    '--export_dir=' + served['export_dir'], timeout=120,
                    check=False)
  assert proc.returncode == 1
  assert proc.stderr.strip().splitlines()[-1] == (
      'cifar10_export.py: error: %s already exists: pass --overwrite to '
      'replace it, or export as another --version' % version)
  assert 'Traceback' not in proc.stderr
  assert {name: os.path.getmtime(os.path.join(version, name))
          for name in os.listdir(version)} == before
