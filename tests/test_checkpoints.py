# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""cifar10_checkpoints.py: finding, checking and polling checkpoints,
called directly with arguments on tiny graphs."""

import os
import re
import shutil
import time

from absl.testing import flagsaver
import pytest
import tensorflow as tf

import cifar10_checkpoints
import cifar10_runtime
from helpers import listed_steps, save_tiny_checkpoints


def test_resume_finds_the_newest_checkpoint_and_tidies(tmp_path, capsys):
  train_dir = str(tmp_path)
  save_tiny_checkpoints(train_dir, [5, 9])
  os.mkdir(os.path.join(train_dir, 'model.ckpt-12_temp'))  # A killed save.
  cifar10_runtime.prepare_train_dir(train_dir).close()
  assert not os.path.exists(os.path.join(train_dir, 'model.ckpt-12_temp'))
  with tf.Graph().as_default():
    tf.compat.v1.train.get_or_create_global_step()
    tf.compat.v1.get_variable('w', [2])
    path, _ = cifar10_checkpoints.resume_checkpoint(
        train_dir, tf.compat.v1.global_variables())
  assert path.endswith('model.ckpt-9')
  out = capsys.readouterr().out
  assert re.search(r'Resuming from .*model\.ckpt-9 at step 9\.', out)


def test_polling_lists_new_checkpoints_once_oldest_first(tmp_path, capsys):
  train_dir = str(tmp_path)
  paths = save_tiny_checkpoints(train_dir, [10, 20, 30])
  evaluated, vanished = {10: None}, set()
  found = cifar10_checkpoints.new_checkpoints(train_dir, evaluated, vanished)
  assert found == [(20, paths[1]), (30, paths[2])]
  for suffix in ('.index', '.data-00000-of-00001'):
    os.remove(paths[1] + suffix)
  for _ in range(2):
    found = cifar10_checkpoints.new_checkpoints(train_dir, evaluated, vanished)
    assert found == [(30, paths[2])]
  assert capsys.readouterr().out.count('was removed before it could be '
                                       'evaluated') == 1
  assert cifar10_checkpoints.new_checkpoints(str(tmp_path / 'none'), {},
                                         set()) == []


def _moved(tmp_path, steps):
  """A train_dir whose `checkpoint` file lists the absolute paths of the
  folder it was copied from, which is gone."""
  old = str(tmp_path / 'old')
  os.mkdir(old)
  save_tiny_checkpoints(old, steps)
  new = str(tmp_path / 'new')
  shutil.copytree(old, new)
  shutil.rmtree(old)
  return new


def test_readers_find_the_checkpoints_of_a_moved_folder(tmp_path, capsys):
  train_dir = _moved(tmp_path, [10, 20])
  newest = cifar10_checkpoints.checkpoint_to_read(train_dir)
  assert newest == os.path.join(train_dir, 'model.ckpt-20')
  assert 'lists no checkpoint that is there' in capsys.readouterr().out
  found = cifar10_checkpoints.new_checkpoints(train_dir, {}, set())
  assert [step for step, _ in found] == [10, 20]


def test_readers_find_the_checkpoints_when_the_list_is_garbage(tmp_path,
                                                                capsys):
  train_dir = str(tmp_path)
  paths = save_tiny_checkpoints(train_dir, [5, 10])
  with open(os.path.join(train_dir, 'checkpoint'), 'w') as f:
    f.write('garbage {{{')
  assert cifar10_checkpoints.checkpoint_to_read(train_dir) == paths[1]
  assert 'the list of checkpoints, cannot be parsed; using the checkpoints' \
      in capsys.readouterr().out
  vanished = set()
  for _ in range(2):
    found = cifar10_checkpoints.new_checkpoints(train_dir, {}, vanished)
    assert found == [(5, paths[0]), (10, paths[1])]
  assert capsys.readouterr().out.count('cannot be parsed') == 1  # Once.


def _tiny_variables():
  tf.compat.v1.train.get_or_create_global_step()
  weight = tf.compat.v1.get_variable('w', [2])
  return tf.compat.v1.global_variables(), weight


def test_a_trainer_resumes_from_the_checkpoints_of_a_moved_folder(tmp_path,
                                                                  capsys):
  train_dir = _moved(tmp_path, [5, 10])
  with tf.Graph().as_default():
    variables, _ = _tiny_variables()
    path, _ = cifar10_checkpoints.resume_checkpoint(train_dir, variables)
  assert path == os.path.join(train_dir, 'model.ckpt-10')
  assert 'resuming from the checkpoints in the folder itself' in \
      capsys.readouterr().out


def test_a_run_started_over_has_its_checkpoints_evaluated_again(tmp_path):
  train_dir = str(tmp_path)
  [path] = save_tiny_checkpoints(train_dir, [10])
  # Step 10 of an earlier run was evaluated before this checkpoint existed.
  evaluated = {10: os.path.getmtime(path + '.index') - 60}
  found = cifar10_checkpoints.new_checkpoints(train_dir, evaluated, set())
  assert found == [(10, path)]
  evaluated[10] = time.time()  # Now this one is done.
  assert cifar10_checkpoints.new_checkpoints(train_dir, evaluated,
                                             set()) == []


def test_old_tower_named_loss_averages_map_to_the_tower_free_names():
  with tf.Graph().as_default():
    average = tf.compat.v1.get_variable('cross_entropy/avg', [])
    weight = tf.compat.v1.get_variable('conv1/weights', [2])
    names = {'tower_0/cross_entropy/avg', 'tower_1/cross_entropy/avg',
             'tower_10/cross_entropy/avg', 'conv1/weights'}
    mapping = cifar10_checkpoints.restore_map(names, [average, weight])
  assert mapping == {'tower_10/cross_entropy/avg': average,
                     'conv1/weights': weight}


def _damage(path, kind):
  if kind == 'index':
    target = path + '.index'
  else:
    target = path + '.data-00000-of-00001'
  with open(target, 'rb') as f:
    data = f.read()
  with open(target, 'wb') as f:
    f.write(data[:len(data) // 2])


@pytest.mark.parametrize('kind', ['index', 'data'])
def test_truncated_checkpoint_is_named_and_nothing_changes(tmp_path, kind):
  train_dir = str(tmp_path)
  paths = save_tiny_checkpoints(train_dir, [5, 10])
  _damage(paths[1], kind)
  before = sorted(os.listdir(train_dir))
  with tf.Graph().as_default():
    variables, _ = _tiny_variables()
    with pytest.raises(cifar10_checkpoints.CheckpointError) as info:
      cifar10_checkpoints.resume_checkpoint(train_dir, variables)
  message = str(info.value)
  assert message.startswith('cannot resume from %s: ' % paths[1])
  assert 'cannot be read' in message
  for choice in ('--fall_back_checkpoint', '--train_dir', '--fresh_start'):
    assert choice in message
  assert sorted(os.listdir(train_dir)) == before
  assert list(tf.train.get_checkpoint_state(
      train_dir).all_model_checkpoint_paths) == paths


def test_fall_back_resumes_from_the_newest_checkpoint_that_reads(
    tmp_path, capsys):
  train_dir = str(tmp_path)
  paths = save_tiny_checkpoints(train_dir, [5, 10, 15])
  _damage(paths[2], 'index')
  with tf.Graph().as_default():
    variables, _ = _tiny_variables()
    path, _ = cifar10_checkpoints.resume_checkpoint(train_dir, variables,
                                                fall_back=True)
  assert path == paths[1]
  assert listed_steps(train_dir) == [5, 10]
  assert os.path.exists(paths[2] + '.index')  # Unlisted, not deleted.
  assert 'Skipping %s: it cannot be read' % paths[2] in capsys.readouterr().out


def test_garbage_checkpoint_list_is_refused_unless_told_to_fall_back(
    tmp_path):
  train_dir = str(tmp_path)
  paths = save_tiny_checkpoints(train_dir, [5, 10])
  with open(os.path.join(train_dir, 'checkpoint'), 'w') as f:
    f.write('garbage {{{')
  with tf.Graph().as_default():
    variables, _ = _tiny_variables()
    with pytest.raises(cifar10_checkpoints.CheckpointError,
                       match=r'checkpoint, the list of checkpoints, cannot be '
                       r'parsed.*--fresh_start'):
      cifar10_checkpoints.resume_checkpoint(train_dir, variables)
    path, _ = cifar10_checkpoints.resume_checkpoint(train_dir, variables,
                                                fall_back=True)
  assert path == paths[1]


def test_checkpoint_of_other_shapes_is_refused(tmp_path):
  train_dir = str(tmp_path)
  save_tiny_checkpoints(train_dir, [5])  # 'w' has 2 values.
  with tf.Graph().as_default():
    tf.compat.v1.train.get_or_create_global_step()
    tf.compat.v1.get_variable('w', [3])
    with pytest.raises(cifar10_checkpoints.CheckpointError,
                       match=r'it holds w of shape \[2\] where the model has '
                       r'\[3\]: it was written by a model of other shapes'):
      cifar10_checkpoints.resume_checkpoint(train_dir,
                                        tf.compat.v1.global_variables())


def test_listed_checkpoint_whose_files_are_gone_is_not_a_fresh_start(
    tmp_path):
  train_dir = str(tmp_path)
  paths = save_tiny_checkpoints(train_dir, [5])
  for name in os.listdir(train_dir):
    if name.startswith('model.ckpt-5'):
      os.remove(os.path.join(train_dir, name))
  with tf.Graph().as_default():
    variables, _ = _tiny_variables()
    with pytest.raises(cifar10_checkpoints.CheckpointError,
                       match='cannot resume from %s: its files are missing'
                       % re.escape(paths[0])):
      cifar10_checkpoints.resume_checkpoint(train_dir, variables)


@pytest.mark.parametrize('dataset, trained, here, fix', [
    ('cifar10', 20, 10, 'add --dataset=cifar100 --label=coarse'),
    ('cifar10', 100, 10, 'add --dataset=cifar100'),
    ('cifar100', 10, 100, 'drop --dataset=cifar100 (and --label): it is a '
     'CIFAR-10 model'),
    ('cifar10', 3, 10, 'give the --dataset, --label and --data_dir it was '
     'trained with'),
])
def test_a_model_of_another_class_count_names_the_flags_to_change(
    dataset, trained, here, fix):
  with flagsaver.flagsaver(dataset=dataset):
    assert cifar10_checkpoints._class_count_problem(trained, here) == (
        'it was trained for %d classes and the data here has %d: %s'
        % (trained, here, fix))
