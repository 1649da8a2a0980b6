# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""The machinery around the session loop, called directly with arguments.

Lock, resume, NaN rollback, failed saves, signal stops, one-line exits and
checkpoint polling, each on a tiny graph (a global step and one variable), so
that every test runs in well under a second.
"""

import os
import re
import signal
import threading
import time

from absl.testing import flagsaver
import pytest
import tensorflow as tf

import cifar10
import cifar10_checkpoints
import cifar10_prepare
import cifar10_multi_gpu_train
import cifar10_runtime
import cifar10_train
from helpers import listed_steps, no_file_at, save_tiny_checkpoints


def test_second_trainer_is_refused_with_the_holder_named(tmp_path):
  lock = cifar10_runtime.lock_train_dir(str(tmp_path))
  try:
    with pytest.raises(cifar10_prepare.UserError,
                       match=r'is in use by another trainer \(pid %d on .+\): '
                       r'wait for it to finish' % os.getpid()):
      cifar10_runtime.lock_train_dir(str(tmp_path))
  finally:
    lock.close()
  cifar10_runtime.lock_train_dir(str(tmp_path)).close()  # Released.


def test_a_trainer_holds_its_train_dir_until_the_block_ends(tmp_path):
  # What every trainer, the distributed chief among them, takes at its
  # start: the lock and the checkpoint to resume from; a damaged one is
  # refused and the lock let go at once, so the next try finds it free.
  train_dir = str(tmp_path)
  paths = save_tiny_checkpoints(train_dir, [5])
  with tf.Graph().as_default():
    tf.compat.v1.train.get_or_create_global_step()
    tf.compat.v1.get_variable('w', [2])
    with cifar10_runtime.held_train_dir(train_dir) as (path, _):
      assert path == paths[0]
      with pytest.raises(cifar10_prepare.UserError, match='in use by another'):
        cifar10_runtime.lock_train_dir(train_dir)
    cifar10_runtime.lock_train_dir(train_dir).close()  # Released.
    os.remove(paths[0] + '.index')
    with pytest.raises(cifar10_checkpoints.CheckpointError):
      with cifar10_runtime.held_train_dir(train_dir):
        pass
  cifar10_runtime.lock_train_dir(train_dir).close()  # Released.


@pytest.mark.parametrize('kind', ['folder', 'fifo'])
def test_a_lock_file_that_is_no_file_is_named(tmp_path, kind):
  named = no_file_at(tmp_path / cifar10_runtime.LOCK_FILE, kind)
  with pytest.raises(cifar10_prepare.UserError, match=named + ': remove it'):
    cifar10_runtime.lock_train_dir(str(tmp_path))


def test_fresh_start_deletes_all_but_the_lock(tmp_path):
  train_dir = str(tmp_path)
  save_tiny_checkpoints(train_dir, [5])
  cifar10_runtime.prepare_train_dir(train_dir, fresh_start=True).close()
  assert os.listdir(train_dir) == [cifar10_runtime.LOCK_FILE]


def test_nan_rollback_unlists_the_checkpoints_from_the_bad_step(tmp_path):
  train_dir = str(tmp_path)
  paths = save_tiny_checkpoints(train_dir, [5, 10, 15])
  kept = cifar10_checkpoints.unlist_checkpoints_from(train_dir, 10)
  assert kept == paths[0]
  assert listed_steps(train_dir) == [5]
  assert tf.train.latest_checkpoint(train_dir) == paths[0]
  assert os.path.exists(paths[2] + '.index')  # Unlisted, not deleted.


def test_nan_before_any_good_checkpoint_unlists_them_all(tmp_path):
  train_dir = str(tmp_path)
  save_tiny_checkpoints(train_dir, [3])
  assert cifar10_checkpoints.unlist_checkpoints_from(train_dir, 3) is None
  assert tf.train.latest_checkpoint(train_dir) is None


def test_nan_loss_hook_raises_with_the_step_and_the_kept_checkpoint(tmp_path):
  train_dir = str(tmp_path)
  paths = save_tiny_checkpoints(train_dir, [5, 10])
  hook = cifar10_runtime.NanLossHook(None, None, train_dir)
  values = tf.compat.v1.train.SessionRunValues(
      results=[11, float('nan')], options=None, run_metadata=None)
  with pytest.raises(cifar10_runtime.TrainingError) as info:
    hook.after_run(None, values)
  assert str(info.value).startswith(
      'the loss became NaN at step 10; the last good checkpoint (%s) is kept'
      % paths[0])
  assert listed_steps(train_dir) == [5]


class _TinyTraining(object):
  """A session on a tiny graph with the run's StopHook attached."""

  def __init__(self, train_dir, step):
    self.graph = tf.Graph()
    with self.graph.as_default():
      self.global_step = tf.compat.v1.train.get_or_create_global_step()
      tf.compat.v1.get_variable('w', [2])
      self.saver = tf.compat.v1.train.Saver()
      self.sess = tf.compat.v1.Session()
      self.sess.run(tf.compat.v1.global_variables_initializer())
      self.global_step.load(step, self.sess)
    self.hook = cifar10_runtime.StopHook(self.saver, self.global_step,
                                         train_dir)
    self.hook.after_create_session(self.sess, tf.train.Coordinator())

  def close(self):
    self.sess.close()


def test_failed_step_saves_the_current_step(tmp_path):
  train_dir = str(tmp_path)
  save_tiny_checkpoints(train_dir, [5])
  run = _TinyTraining(train_dir, step=7)
  error = tf.errors.NotFoundError(None, None, 'data_batch_2.bin; not found')
  with run.graph.as_default():
    message = str(cifar10_runtime.failure_error(error, run.hook, train_dir))
  run.close()
  assert re.match(r'training failed \(NotFoundError: data_batch_2\.bin; not '
                  r'found\); the newest checkpoint is .*model\.ckpt-7 '
                  r'\(step 7\)\. Fix the cause', message), message
  assert cifar10_checkpoints.checkpoint_step(
      tf.train.latest_checkpoint(train_dir)) == 7


def test_failed_save_keeps_the_previous_checkpoint(tmp_path):
  train_dir = str(tmp_path)
  paths = save_tiny_checkpoints(train_dir, [5])
  run = _TinyTraining(train_dir, step=7)

  def full_disk(*unused_args, **unused_kwargs):
    raise OSError(28, 'No space left on device')

  run.saver.save = full_disk
  error = tf.errors.ResourceExhaustedError(None, None, 'disk full')
  message = str(cifar10_runtime.failure_error(error, run.hook, train_dir))
  run.close()
  assert 'the newest checkpoint is %s (step 5)' % paths[0] in message
  assert tf.train.latest_checkpoint(train_dir) == paths[0]


def _histogram_error():
  """The error of a step whose activation histograms meet a NaN."""
  with tf.Graph().as_default():
    cifar10.inference(tf.ones([1, 24, 24, 3]))
    summaries = tf.compat.v1.summary.merge_all()
    with tf.compat.v1.variable_scope('softmax_linear', reuse=True):
      diverged = tf.compat.v1.get_variable('biases').assign(
          tf.fill([10], float('nan')))
    with tf.compat.v1.Session() as sess:
      sess.run(tf.compat.v1.global_variables_initializer())
      sess.run(diverged)  # The logits, and their histogram, become NaN.
      try:
        sess.run(summaries)
      except tf.errors.InvalidArgumentError as e:
        return e
  raise AssertionError('the histograms accepted a NaN')


def test_nan_in_a_histogram_rolls_back_like_a_nan_loss(tmp_path):
  train_dir = str(tmp_path)
  paths = save_tiny_checkpoints(train_dir, [5, 10])
  error = _histogram_error()
  run = _TinyTraining(train_dir, step=10)
  message = str(cifar10_runtime.failure_error(error, run.hook, train_dir))
  run.close()
  assert message.startswith('the loss became NaN at step 10; the last good '
                            'checkpoint (%s)' % paths[0])


def test_signal_during_training_asks_the_run_to_stop():
  stop_hook = cifar10_runtime.StopHook(None, None, None)
  coord = tf.train.Coordinator()
  stop_hook.after_create_session(None, coord)
  with cifar10_runtime._signals_stop_training():  # pylint: disable=protected-access
    cifar10_runtime._current['stop_hook'] = stop_hook  # pylint: disable=protected-access
    try:
      os.kill(os.getpid(), signal.SIGTERM)
      deadline = time.time() + 5
      while not coord.should_stop() and time.time() < deadline:
        time.sleep(0.01)
    finally:
      cifar10_runtime._current['stop_hook'] = None  # pylint: disable=protected-access
  assert coord.should_stop()
  assert stop_hook.signum == signal.SIGTERM


def test_signal_outside_training_exits_with_128_plus_the_signal(capsys):
  # Python's own handler, or SIG_IGN where the tests run in the background.
  before = signal.getsignal(signal.SIGINT)
  with pytest.raises(SystemExit) as info:
    with cifar10_runtime.clean_exit():
      os.kill(os.getpid(), signal.SIGINT)
      time.sleep(5)  # The handler interrupts this.
  assert info.value.code == 128 + signal.SIGINT
  assert 'Stopped by SIGINT.' in capsys.readouterr().out
  assert signal.getsignal(signal.SIGINT) == before  # Put back.


def test_user_error_ends_in_one_line_naming_the_script(monkeypatch):
  monkeypatch.setattr('sys.argv', ['cifar10_train.py'])
  with pytest.raises(SystemExit) as info:
    with cifar10_runtime.clean_exit():
      raise cifar10_prepare.DataError('data_batch_1.bin is missing')
  assert info.value.code == ('cifar10_train.py: error: data_batch_1.bin is '
                             'missing')


def test_a_failed_script_removes_the_output_folders_it_made_empty(
    monkeypatch, tmp_path):
  monkeypatch.setattr('sys.argv', ['cifar10-eval'])
  monkeypatch.setattr(cifar10_prepare, 'FOLDERS_MADE', [])
  kept = tmp_path / 'kept'
  kept.mkdir()
  with pytest.raises(SystemExit):
    with cifar10_runtime.clean_exit():
      cifar10_prepare.make_output_dir(str(tmp_path / 'new' / 'eval'),
                                      'eval_dir')
      cifar10_prepare.make_output_dir(str(kept), 'eval_dir')
      raise cifar10_prepare.DataError('no CIFAR-10 data in ...')
  assert os.listdir(str(tmp_path)) == ['kept']


def test_a_failed_script_keeps_an_output_folder_it_wrote_into(monkeypatch,
                                                              tmp_path):
  monkeypatch.setattr('sys.argv', ['cifar10-train'])
  monkeypatch.setattr(cifar10_prepare, 'FOLDERS_MADE', [])
  train_dir = tmp_path / 'train'
  with pytest.raises(SystemExit):
    with cifar10_runtime.clean_exit():
      cifar10_prepare.make_output_dir(str(train_dir), 'train_dir')
      (train_dir / 'model.ckpt-1.index').write_bytes(b'')
      raise cifar10_prepare.UserError('cannot resume from ...')
  assert os.listdir(str(train_dir)) == ['model.ckpt-1.index']


def _tiny_train_op():
  global_step = tf.compat.v1.train.get_or_create_global_step()
  weight = tf.compat.v1.get_variable('w', [2])
  loss = tf.reduce_sum(weight)
  return tf.group(tf.compat.v1.assign_add(global_step, 1)), loss


def _train(train_dir, max_steps, on_step=None):
  """A training run as the scripts write it, on the tiny graph."""
  with tf.Graph().as_default():
    train_op, loss = _tiny_train_op()
    with cifar10_runtime.TrainingRun(train_dir, max_steps) as run:
      if run.finished():
        return
      step_after = cifar10_runtime.step_after(train_op)
      scaffold = run.scaffold()
      hooks = [tf.compat.v1.train.StopAtStepHook(last_step=max_steps),
               run.nan_loss_hook(step_after, loss),
               cifar10_runtime.CheckpointSaverHook(
                   train_dir, save_steps=1000, scaffold=scaffold),
               run.stop_hook]
      with tf.compat.v1.train.MonitoredTrainingSession(
          scaffold=scaffold, hooks=hooks,
          save_checkpoint_secs=None, save_summaries_steps=None,
          log_step_count_steps=None) as mon_sess:
        with run.saving_on_failure():
          while not mon_sess.should_stop():
            mon_sess.run(train_op)
            if on_step:
              on_step(mon_sess)


def test_training_run_saves_the_last_step_and_resumes_there(tmp_path, capsys):
  train_dir = str(tmp_path)
  _train(train_dir, 3)
  assert re.search(r'Stopped at step 3; checkpoint saved: .*model\.ckpt-3$',
                   capsys.readouterr().out, re.M)
  _train(train_dir, 5)
  assert 'at step 3.' in capsys.readouterr().out
  assert listed_steps(train_dir) == [0, 3, 5]  # The saver also writes step 0.
  _train(train_dir, 5)
  assert 'nothing to do' in capsys.readouterr().out
  cifar10_runtime.lock_train_dir(train_dir).close()  # The lock was released.


def test_a_checkpoint_at_max_steps_is_nothing_to_do(tmp_path, capsys):
  train_dir = str(tmp_path)
  save_tiny_checkpoints(train_dir, [3, 5])
  assert cifar10_runtime.nothing_to_do(train_dir, 5)
  assert capsys.readouterr().out == (
      '%s is already at step 5, not below --max_steps=5: nothing to do. '
      'Raise --max_steps to train further.\n' % train_dir)


@pytest.mark.parametrize('max_steps, fresh_start', [(6, False), (5, True)])
def test_a_checkpoint_below_max_steps_or_a_fresh_start_has_work(
    tmp_path, capsys, max_steps, fresh_start):
  save_tiny_checkpoints(str(tmp_path), [5])
  assert not cifar10_runtime.nothing_to_do(str(tmp_path), max_steps,
                                           fresh_start)
  assert capsys.readouterr().out == ''


def test_a_train_dir_without_checkpoints_has_work(tmp_path):
  assert not cifar10_runtime.nothing_to_do(str(tmp_path / 'new'), 5)


@pytest.mark.parametrize('trainer', [cifar10_train, cifar10_multi_gpu_train])
def test_a_trainer_with_nothing_to_do_stops_before_its_queue_fills(
    tmp_path, capsys, monkeypatch, trainer):
  train_dir = str(tmp_path / 'train')
  save_tiny_checkpoints(train_dir, [5])
  monkeypatch.setattr('sys.argv', ['cifar10-train'])
  # No data: the trainer must neither fetch it nor build its input.
  with flagsaver.flagsaver(
      train_dir=train_dir, max_steps=5, data_dir=str(tmp_path / 'data'),
      data_url='http://127.0.0.1:9/cifar-10-binary.tar.gz'):
    trainer.main()
  out = capsys.readouterr().out
  assert out.endswith('nothing to do. Raise --max_steps to train further.\n')
  assert 'Filling queue' not in out
  assert not (tmp_path / 'data').exists()


def _checkpoint_files(train_dir):
  """{name: (bytes, mtime in ns)} of every checkpoint file in the folder."""
  found = {}
  for name in sorted(os.listdir(train_dir)):
    if name.startswith('model.ckpt-'):
      path = os.path.join(train_dir, name)
      with open(path, 'rb') as f:
        found[name] = (f.read(), os.stat(path).st_mtime_ns)
  return found


def test_a_resumed_run_never_writes_a_checkpoint_saved_before(tmp_path):
  train_dir = str(tmp_path)
  _train(train_dir, 3)
  before = _checkpoint_files(train_dir)
  time.sleep(0.05)  # So that a rewrite would show in the times too.
  _train(train_dir, 5)
  after = _checkpoint_files(train_dir)
  assert {n: after[n] for n in before} == before
  assert any(n.startswith('model.ckpt-5.') for n in after)


def test_signal_in_a_training_run_saves_the_current_step(tmp_path, capsys):
  train_dir = str(tmp_path)

  def signal_at_step_4(mon_sess):
    if mon_sess.run_step_fn(lambda step_context: step_context.session.run(
        tf.compat.v1.train.get_global_step())) == 4:
      os.kill(os.getpid(), signal.SIGTERM)
      time.sleep(0.5)  # The watcher thread asks the session to stop.

  with pytest.raises(SystemExit) as info:
    with cifar10_runtime.clean_exit():
      _train(train_dir, 1000, on_step=signal_at_step_4)
  assert info.value.code == 128 + signal.SIGTERM
  out = capsys.readouterr().out
  assert 'SIGTERM received: saving a checkpoint and stopping' in out
  assert re.search(r'Stopped by SIGTERM; checkpoint saved: .*model\.ckpt-4$',
                   out, re.M)
  assert listed_steps(train_dir) == [0, 4]


def test_logger_prints_the_tutorial_step_line(capsys):
  hook = cifar10_runtime.LoggerHook(None, None, examples_per_step=256,
                                    log_frequency=10, num_towers=2)
  hook.begin()
  for step_after in (10, 11, 21):
    hook.before_run(None)
    hook.after_run(None, tf.compat.v1.train.SessionRunValues(
        results=[step_after, 2.5], options=None, run_metadata=None))
  lines = capsys.readouterr().out.splitlines()
  assert len(lines) == 2
  for line, step in zip(lines, (10, 20)):
    assert re.match(r'\d{4}-\d\d-\d\d [\d:.]+: step %d, loss = 2\.50 '
                    r'\(\d+\.\d examples/sec; \d+\.\d{3} sec/batch\)$' % step,
                    line), line


def test_watcher_thread_ends_with_the_context():
  before = {t.name for t in threading.enumerate()}
  with cifar10_runtime._signals_stop_training():  # pylint: disable=protected-access
    pass
  assert {t.name for t in threading.enumerate()} == before



def test_cpu_bfloat16_support_is_read_from_the_cpu_flags(tmp_path):
  zen3 = tmp_path / 'zen3'
  zen3.write_text('flags\t\t: fpu sse2 avx2 fma\n')
  zen4 = tmp_path / 'zen4'
  zen4.write_text('flags\t\t: fpu sse2 avx2 avx512f avx512_bf16\n')
  xeon = tmp_path / 'xeon'
  xeon.write_text('flags\t\t: fpu avx512f amx_bf16 amx_tile\n')
  assert not cifar10_runtime.cpu_has_fast_bfloat16(str(zen3))
  assert cifar10_runtime.cpu_has_fast_bfloat16(str(zen4))
  assert cifar10_runtime.cpu_has_fast_bfloat16(str(xeon))
  # Unknown: say nothing rather than warn wrongly.
  assert cifar10_runtime.cpu_has_fast_bfloat16(str(tmp_path / 'none'))


def test_slow_settings_are_named_once_and_only_where_they_are_slow():
  slow = cifar10_runtime.slow_settings
  assert slow(None, 1, 0, False) == []  # The defaults, on a CPU.
  assert slow('bfloat16', 1, 0, True) == []  # A CPU with bfloat16 units.
  assert slow('bfloat16', 1, 1, False) == []  # A GPU runs the model.
  [note] = slow('bfloat16', 1, 0, False)
  assert 'bfloat16' in note and 'float32' in note
  [note] = slow('float16', 1, 0, True)
  assert 'float16' in note and 'GPU' in note
  [note] = slow(None, 2, 0, True)
  assert note.startswith('Note: 2 towers, 0 GPUs: all towers run on the CPU')
  [note] = slow(None, 4, 2, True)
  assert 'the towers beyond them run on the CPU' in note
  assert slow(None, 2, 2, True) == []
