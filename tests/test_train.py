# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""cifar10-train (cifar10_train.py) end to end on synthetic data: its
lines, resuming, bad data, what it saves when things go wrong, repeatable
runs under --seed, and the speed settings."""

import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time

from absl.testing import flagsaver
import numpy as np
import pytest
import tensorflow as tf

import cifar10_prepare
import cifar10_train
from helpers import (ENV, LOG_LINE, PRECISION_LINE, QUICK, ROOT, Trainer,
                     assert_same_bits, checkpoint_step_of, checkpoint_tensors,
                     last_line, run_script, train_for_losses, under_a_file)


@pytest.mark.slow
def test_training_prints_the_tutorial_log_line(trained):
  _, out = trained
  assert 'Filling queue with 1000 CIFAR images before starting to train.' in out
  lines = LOG_LINE.findall(out)
  assert [int(step) for step, _, _, _ in lines] == list(range(0, 200, 20))
  first_loss = float(lines[0][1])
  assert first_loss == pytest.approx(4.67, abs=0.05)
  assert float(lines[-1][1]) < first_loss - 1.0


@pytest.mark.slow
def test_tf_data_pipeline_learns_as_the_queues_do(fake_data_root, tmp_path):
  train_dir = str(tmp_path / 'train')
  common = ('--fake_data', '--input_pipeline=tf_data',
            '--data_dir=' + fake_data_root)
  out = run_script('cifar10_train.py', *common, '--train_dir=' + train_dir,
                   '--max_steps=200', '--log_frequency=20', *QUICK).stdout
  losses = [float(m[1]) for m in LOG_LINE.findall(out)]
  assert losses[0] == pytest.approx(4.67, abs=0.05)
  assert losses[-1] < losses[0] - 1.0
  proc = run_script('cifar10_eval.py', *common, '--run_once',
                    '--checkpoint_dir=' + train_dir,
                    '--eval_dir=%s' % (tmp_path / 'eval'),
                    '--num_examples=2000')
  assert float(PRECISION_LINE.search(proc.stdout).group(1)) >= 0.90
  assert '2000 images from' in proc.stdout


@pytest.mark.slow
def test_restart_resumes_from_the_newest_checkpoint(trained, fake_data_root,
                                                    tmp_path):
  train_dir = str(tmp_path / 'train')
  shutil.copytree(trained[0], train_dir)
  before = set(os.listdir(train_dir))
  proc = run_script('cifar10_train.py', '--fake_data',
                    '--data_dir=' + fake_data_root,
                    '--train_dir=' + train_dir, '--max_steps=230',
                    '--log_frequency=10', *QUICK)
  assert 'at step 200.' in proc.stdout
  steps = [int(m[0]) for m in LOG_LINE.findall(proc.stdout)]
  assert steps == [200, 210, 220]
  assert tf.train.latest_checkpoint(train_dir).endswith('model.ckpt-230')
  # Nothing was deleted: the first run's event file and checkpoint remain.
  assert before <= set(os.listdir(train_dir))


@pytest.mark.slow
def test_train_dir_is_only_deleted_with_fresh_start(trained, fake_data_root,
                                                    tmp_path):
  train_dir = str(tmp_path / 'train')
  shutil.copytree(trained[0], train_dir)
  keep = os.path.join(train_dir, 'notes.txt')
  with open(keep, 'w') as f:
    f.write('mine')
  proc = run_script('cifar10_train.py', '--fake_data',
                    '--data_dir=' + fake_data_root,
                    '--train_dir=' + train_dir, '--max_steps=200', *QUICK)
  assert 'nothing to do' in proc.stdout
  assert os.path.exists(keep)

  proc = run_script('cifar10_train.py', '--fake_data', '--fresh_start',
                    '--data_dir=' + fake_data_root,
                    '--train_dir=' + train_dir, '--max_steps=10',
                    '--log_frequency=5', *QUICK)
  assert not os.path.exists(keep)
  assert [int(m[0]) for m in LOG_LINE.findall(proc.stdout)] == [0, 5]


@pytest.mark.slow
def test_train_with_missing_file_stops_before_training(small_data_dir,
                                                       tmp_path):
  data_dir = tmp_path / 'data'
  shutil.copytree(small_data_dir, str(data_dir / 'cifar-10-batches-bin'))
  os.remove(str(data_dir / 'cifar-10-batches-bin' / 'data_batch_4.bin'))
  train_dir = tmp_path / 'train'
  proc = run_script('cifar10_train.py', '--data_dir=%s' % data_dir,
                    '--train_dir=%s' % train_dir, '--max_steps=5',
                    timeout=120, check=False)
  assert proc.returncode != 0
  assert re.match(r'cifar10_train.py: error: data_batch_4.bin is missing '
                  r'from .*cifar-10-batches-bin: restore it', last_line(proc))
  assert not LOG_LINE.search(proc.stdout)
  assert not tf.train.latest_checkpoint(str(train_dir))


@pytest.mark.slow
def test_train_with_empty_data_dir_and_no_network_says_how_to_fix(tmp_path):
  proc = run_script('cifar10_train.py', '--data_dir=%s' % tmp_path,
                    '--data_url=http://127.0.0.1:9/cifar-10-binary.tar.gz',
                    '--train_dir=%s' % (tmp_path / 'train'), timeout=120,
                    check=False)
  assert proc.returncode != 0
  assert re.match(r'cifar10_train.py: error: could not download '
                  r'http://127.0.0.1:9/cifar-10-binary.tar.gz .*--data_url',
                  last_line(proc))


def test_a_trainer_whose_download_fails_leaves_no_folder_behind(
    tmp_path, monkeypatch):
  monkeypatch.setattr('sys.argv', ['cifar10-train'])
  monkeypatch.setattr(cifar10_prepare, 'FOLDERS_MADE', [])
  with flagsaver.flagsaver(
      train_dir=str(tmp_path / 'run' / 'train'),
      data_dir=str(tmp_path / 'run' / 'data'),
      data_url='http://127.0.0.1:9/cifar-10-binary.tar.gz'):
    with pytest.raises(SystemExit) as info:
      cifar10_train.main()
  assert info.value.code.startswith('cifar10-train: error: could not '
                                    'download')
  assert os.listdir(str(tmp_path)) == []


@pytest.mark.slow
def test_train_with_bad_label_stops_before_training(small_data_dir, tmp_path):
  data_dir = tmp_path / 'data'
  shutil.copytree(small_data_dir, str(data_dir / 'cifar-10-batches-bin'))
  with open(str(data_dir / 'cifar-10-batches-bin' / 'data_batch_1.bin'),
            'r+b') as f:
    f.seek(3073 * 5)
    f.write(bytes([200]))
  proc = run_script('cifar10_train.py', '--data_dir=%s' % data_dir,
                    '--train_dir=%s' % (tmp_path / 'train'), timeout=120,
                    check=False)
  assert proc.returncode != 0
  assert re.match(r'cifar10_train.py: error: .*data_batch_1.bin: record 5 has '
                  r'label 200, outside 0..9', last_line(proc))


@pytest.mark.slow
def test_use_fp16_trains_without_nan(fake_data_root, tmp_path):
  train_dir = str(tmp_path / 'train')
  proc = run_script('cifar10_train.py', '--fake_data', '--use_fp16',
                    '--data_dir=' + fake_data_root, '--train_dir=' + train_dir,
                    # float16 kernels are slow on CPUs: a small batch.
                    '--batch_size=16', '--max_steps=6', '--log_frequency=2',
                    *QUICK)
  losses = [float(m[1]) for m in LOG_LINE.findall(proc.stdout)]
  assert len(losses) == 3 and all(np.isfinite(losses))
  reader = tf.train.load_checkpoint(train_dir)
  assert reader.get_variable_to_dtype_map()['conv1/weights'] == tf.float16


@pytest.mark.slow
def test_bad_flag_value_is_one_line_and_a_non_zero_exit(tmp_path):
  proc = run_script('cifar10_train.py', '--batch_size=0',
                    '--train_dir=%s' % tmp_path, timeout=120, check=False)
  assert proc.returncode != 0
  assert proc.stderr.strip().splitlines()[-1] == (
      'cifar10_train.py: error: flag --batch_size=0: 0 is not a positive '
      'integer (--help lists the flags)')
  assert 'Traceback' not in proc.stderr


@pytest.mark.slow
@pytest.mark.parametrize('script,signum,extra', [
    ('cifar10_train.py', signal.SIGTERM, ()),
    ('cifar10_multi_gpu_train.py', signal.SIGINT, ('--num_gpus=2',)),
])
def test_signal_saves_the_current_step_and_exits(
    script, signum, extra, fake_data_root, tmp_path, trainers):
  train_dir = str(tmp_path / 'train')
  trainer = Trainer(tmp_path, 'train', script, '--fake_data',
                    '--data_dir=' + fake_data_root, '--train_dir=' + train_dir,
                    '--max_steps=100000', '--log_frequency=5',
                    '--batch_size=32', *(QUICK + extra))
  trainers.append(trainer)
  trainer.wait_for(r'step 10, loss')
  trainer.proc.send_signal(signum)
  start = time.time()
  assert trainer.wait(timeout=30) == 128 + signum
  assert time.time() - start < 15
  out = trainer.output
  name = signal.Signals(signum).name
  assert '%s received: saving a checkpoint' % name in out
  match = re.search(r'Stopped by %s; checkpoint saved: (.*model\.ckpt-(\d+))$'
                    % name, out, re.M)
  assert match, out[-2000:]
  assert int(match.group(2)) >= 10
  assert checkpoint_step_of(train_dir) == int(match.group(2))
  assert 'Traceback' not in out


@pytest.mark.slow
def test_signal_while_the_queue_fills_stops_within_seconds(
    fake_data_root, tmp_path, trainers):
  train_dir = str(tmp_path / 'train')
  # The default queue: 20,000 images to preprocess before the first step.
  trainer = Trainer(tmp_path, 'train', 'cifar10_train.py', '--fake_data',
                    '--data_dir=' + fake_data_root, '--train_dir=' + train_dir,
                    '--num_preprocess_threads=2')
  trainers.append(trainer)
  deadline = time.time() + 120
  while not tf.train.latest_checkpoint(train_dir):  # Saved at session start.
    assert trainer.proc.poll() is None and time.time() < deadline
    time.sleep(0.2)
  trainer.proc.send_signal(signal.SIGTERM)
  start = time.time()
  assert trainer.wait(timeout=60) == 128 + signal.SIGTERM
  assert time.time() - start < 15
  assert 'Stopped by SIGTERM; checkpoint saved:' in trainer.output


@pytest.mark.slow
def test_one_trainer_per_train_dir_and_no_stale_lock(
    fake_data_root, tmp_path, trainers):
  train_dir = str(tmp_path / 'train')
  args = ('--fake_data', '--data_dir=' + fake_data_root,
          '--train_dir=' + train_dir, '--batch_size=32') + QUICK
  first = Trainer(tmp_path, 'first', 'cifar10_train.py', '--max_steps=100000',
                  '--save_checkpoint_secs=1', *args)
  trainers.append(first)
  first.wait_for(r'step 20, loss')

  second = run_script('cifar10_train.py', '--max_steps=100000', *args,
                      check=False, timeout=120)
  assert second.returncode == 1
  assert re.search(r'error: --train_dir=.* is in use by another trainer '
                   r'\(pid %d on .*\): wait for it to finish'
                   % first.proc.pid, second.stderr)

  first.proc.send_signal(signal.SIGKILL)  # Leaves trainer.lock behind.
  first.wait(timeout=30)
  assert os.path.exists(os.path.join(train_dir, 'trainer.lock'))
  step = checkpoint_step_of(train_dir)
  third = run_script('cifar10_train.py', '--max_steps=%d' % (step + 5),
                     '--log_frequency=1', *args, timeout=180)
  assert 'Resuming from' in third.stdout and 'at step %d.' % step in (
      third.stdout)
  assert checkpoint_step_of(train_dir) == step + 5


@pytest.mark.slow
def test_unwritable_train_dir_is_reported_before_work(tmp_path):
  proc = run_script('cifar10_train.py', '--fake_data',
                    '--data_dir=%s' % tmp_path,
                    '--train_dir=' + under_a_file(tmp_path),
                    check=False, timeout=120)
  assert proc.returncode == 1
  assert re.search(r'cifar10_train.py: error: cannot create --train_dir=.*'
                   r'a_file/sub .*choose a folder you can write to',
                   proc.stderr.strip().splitlines()[-1])
  assert 'Filling queue' not in proc.stdout


@pytest.mark.slow
def test_data_vanishing_mid_run_stops_with_a_saved_checkpoint(
    small_data_dir, tmp_path, trainers):
  data_dir = tmp_path / 'data'
  batches = str(data_dir / 'cifar-10-batches-bin')
  shutil.copytree(small_data_dir, batches)
  train_dir = str(tmp_path / 'train')
  trainer = Trainer(tmp_path, 'train', 'cifar10_train.py',
                    '--data_dir=%s' % data_dir, '--train_dir=' + train_dir,
                    '--max_steps=100000', '--log_frequency=5',
                    '--batch_size=32', '--num_preprocess_threads=2',
                    '--min_fraction_of_examples_in_queue=0.002')
  trainers.append(trainer)
  trainer.wait_for(r'step 5, loss')
  for name in os.listdir(batches):
    os.remove(os.path.join(batches, name))
  assert trainer.wait(timeout=120) == 1
  out = trainer.output
  last_logged = int(LOG_LINE.findall(out)[-1][0])
  match = re.match(r'cifar10_train.py: error: training failed \(NotFoundError:'
                   r' .*data_batch_\d.bin.*\); the newest checkpoint is '
                   r'.*model\.ckpt-(\d+) \(step \1\)\. Fix the cause',
                   out.strip().splitlines()[-1])
  assert match, out[-3000:]
  # Saved when it stopped: at or after the last step it logged.
  assert checkpoint_step_of(train_dir) == int(match.group(1)) > last_logged


@pytest.mark.slow
def test_nan_loss_names_the_step_and_keeps_the_last_good_checkpoint(
    fake_data_root, tmp_path):
  train_dir = str(tmp_path / 'train')
  # A learning rate that diverges within a few steps.
  code = ('import sys; sys.argv[0] = "cifar10_train.py"; import cifar10; '
          'cifar10.INITIAL_LEARNING_RATE = 1e4; import cifar10_train; '
          'cifar10_train.run()')
  proc = subprocess.run(
      [sys.executable, '-c', code, '--fake_data',
       '--data_dir=' + fake_data_root, '--train_dir=' + train_dir,
       '--max_steps=200', '--log_frequency=1', '--save_checkpoint_secs=1',
       '--batch_size=32'] + list(QUICK),
      cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=180)
  assert proc.returncode == 1
  last = proc.stderr.strip().splitlines()[-1]
  match = re.match(r'cifar10_train.py: error: the loss became NaN at step '
                   r'(\d+); the last good checkpoint \((.*)\) is kept, and a '
                   r'new run resumes from it\. Lower the learning rate', last)
  assert match, proc.stderr[-2000:]
  nan_step = int(match.group(1))
  # Checkpoint N holds the weights whose loss was NaN: the one kept is older.
  kept = checkpoint_step_of(train_dir)
  assert kept < nan_step
  assert tf.train.latest_checkpoint(train_dir) == match.group(2)
  reader = tf.train.load_checkpoint(train_dir)
  import numpy as np  # pylint: disable=g-import-not-at-top
  for name in ('conv1/weights', 'softmax_linear/biases'):
    assert np.all(np.isfinite(reader.get_tensor(name)))


def _small_files_only():
  """In the child: files above 1 MB fail to grow (EFBIG), like a full disk."""
  signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
  resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))


@pytest.mark.slow
def test_failed_checkpoint_write_leaves_the_previous_one_usable(
    fake_data_root, tmp_path):
  train_dir = str(tmp_path / 'train')
  args = ('--fake_data', '--data_dir=' + fake_data_root,
          '--train_dir=' + train_dir, '--batch_size=32') + QUICK
  run_script('cifar10_train.py', '--max_steps=5', *args)
  assert checkpoint_step_of(train_dir) == 5
  proc = subprocess.run(
      [sys.executable, os.path.join(ROOT, 'cifar10_train.py'),
       '--max_steps=50'] + list(args),
      cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=180,
      preexec_fn=_small_files_only)
  assert proc.returncode == 1
  last = proc.stderr.strip().splitlines()[-1]
  assert re.match(r'cifar10_train.py: error: training failed \(.*\); the '
                  r'newest checkpoint is .*model\.ckpt-5 \(step 5\)\. Fix the '
                  r'cause \(the data files, the space', last), (
                      proc.stderr[-2000:])
  assert 'Traceback' not in proc.stderr
  # The previous checkpoint still restores and evaluates.
  assert checkpoint_step_of(train_dir) == 5
  proc = run_script('cifar10_eval.py', '--fake_data', '--run_once',
                    '--data_dir=' + fake_data_root,
                    '--checkpoint_dir=' + train_dir,
                    '--eval_dir=%s' % (tmp_path / 'eval'),
                    '--num_examples=200')
  assert PRECISION_LINE.search(proc.stdout)


# --seed and --deterministic: the same flags, the same bits.

@pytest.mark.slow
def test_two_deterministic_runs_write_the_same_bits_and_losses(
    fake_data_root, tmp_path):
  flags = ('--seed=1', '--deterministic')
  losses = train_for_losses(fake_data_root, tmp_path / 'a', *flags)
  assert [step for step, _ in losses] == [0, 5, 10, 15]
  assert train_for_losses(fake_data_root, tmp_path / 'b', *flags) == losses
  assert_same_bits(tmp_path / 'a', tmp_path / 'b', [10, 20])

  train_for_losses(fake_data_root, tmp_path / 'c', '--seed=2',
                   '--deterministic')
  ours, theirs = (checkpoint_tensors(tmp_path / name, 20) for name in 'ac')
  assert not np.array_equal(ours['conv1/weights'], theirs['conv1/weights'])


@pytest.mark.slow
def test_tf_data_repeats_bit_for_bit(fake_data_root, tmp_path):
  flags = ('--input_pipeline=tf_data', '--seed=7', '--deterministic')
  losses = train_for_losses(fake_data_root, tmp_path / 'a', *flags)
  again = train_for_losses(fake_data_root, tmp_path / 'b', *flags)
  assert again == losses
  assert_same_bits(tmp_path / 'a', tmp_path / 'b', [10, 20])


@pytest.mark.slow
def test_a_resumed_deterministic_run_repeats_as_well(fake_data_root, tmp_path):
  flags = ('--seed=1', '--deterministic')
  train_for_losses(fake_data_root, tmp_path / 'a', *flags, max_steps=10)
  shutil.copytree(tmp_path / 'a', tmp_path / 'b')
  losses = train_for_losses(fake_data_root, tmp_path / 'a', *flags)
  assert [step for step, _ in losses] == [10, 15]
  assert train_for_losses(fake_data_root, tmp_path / 'b', *flags) == losses
  assert_same_bits(tmp_path / 'a', tmp_path / 'b', [20])


@pytest.mark.slow
def test_runs_without_a_seed_start_from_different_weights(fake_data_root,
                                                          tmp_path):
  train_for_losses(fake_data_root, tmp_path / 'a', max_steps=1)
  train_for_losses(fake_data_root, tmp_path / 'b', max_steps=1)
  ours, theirs = (checkpoint_tensors(tmp_path / name, 1) for name in 'ab')
  assert not np.array_equal(ours['conv1/weights'], theirs['conv1/weights'])


# The speed settings change how fast the model computes, not what.

# Five training steps of the tutorial's graph on a fixed batch, fixed seed.
PROGRAM = r'''
import json, sys
sys.path.insert(0, %r)
import cifar10_train  # Sets the suite's TensorFlow environment first.
import numpy as np
import tensorflow as tf
import cifar10
tf.compat.v1.flags.FLAGS(['losses'] + sys.argv[1:])
with tf.Graph().as_default():
  tf.compat.v1.set_random_seed(1)
  global_step = tf.compat.v1.train.get_or_create_global_step()
  rng = np.random.default_rng(0)
  images = tf.constant(rng.normal(size=(32, 24, 24, 3)).astype(np.float32))
  labels = tf.constant(rng.integers(0, 10, 32).astype(np.int32))
  loss = cifar10.loss(cifar10.inference(images), labels)
  train_op = cifar10.train(loss, global_step)
  with tf.compat.v1.Session() as sess:
    sess.run(tf.compat.v1.global_variables_initializer())
    losses = [float(sess.run([train_op, loss])[1]) for _ in range(5)]
print(json.dumps(losses))
''' % ROOT


def _losses(*flags, **env):
  proc = subprocess.run(
      [sys.executable, '-c', PROGRAM] + list(flags), capture_output=True,
      text=True, timeout=300,
      env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL='2', **env))
  assert proc.returncode == 0, proc.stderr[-3000:]
  return np.array(json.loads(proc.stdout.strip().splitlines()[-1]))


@pytest.mark.slow
def test_first_losses_agree_with_and_without_the_speed_settings():
  # The suite's defaults: oneDNN on, all cores, norm1 and norm2 from band
  # products.
  fast = _losses()
  plain = _losses('--nofast_lrn', TF_ENABLE_ONEDNN_OPTS='0',
                  TF_NUM_INTRAOP_THREADS='1', TF_NUM_INTEROP_THREADS='1')
  assert fast[0] == pytest.approx(4.67, abs=0.1)
  assert fast[-1] < fast[0]
  # Kernel libraries round differently; the mathematics is the same.
  np.testing.assert_allclose(fast, plain, rtol=1e-4)
