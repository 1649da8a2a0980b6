# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""Every flag a user can get wrong: one line naming it, an exit, no harm.

The table below lists each flag of each script with values it must refuse;
`test_every_flag_of_the_suite_is_in_the_table` fails when a new flag is not
in it. Number and choice flags are refused while the command line is parsed;
path flags when the script starts, before any work.
"""

import os
import re
from types import SimpleNamespace

from absl.testing import flagsaver
import pytest
import tensorflow as tf

import cifar10_distributed_train
import cifar10_eval
import cifar10_export
import cifar10_flags
import cifar10_make_records
import cifar10_multi_gpu_train
import cifar10_predict
import cifar10_prepare
import cifar10_train
from helpers import ROOT
from helpers import run_script

FLAGS = tf.compat.v1.flags.FLAGS

# The modules whose flags users set.
MODULES = ('cifar10', 'cifar10_data', 'cifar10_input', 'cifar10_flags',
           'cifar10_eval', 'cifar10_multi_gpu_train',
           'cifar10_distributed_train', 'cifar10_predict', 'cifar10_export',
           'cifar10_make_records')

# Values refused while parsing: out of range, not a number, unknown choice.
REFUSED_VALUES = {
    'batch_size': ['0', '-5', 'many'],
    'max_steps': ['-1'],
    'log_frequency': ['0'],
    'save_checkpoint_secs': ['0'],
    'save_checkpoint_steps': ['0'],
    'save_summaries_steps': ['0'],
    'min_fraction_of_examples_in_queue': ['-0.1', '1.5'],
    'num_preprocess_threads': ['0'],
    'records_per_read': ['0'],
    'num_gpus': ['0'],
    'eval_interval_secs': ['-1'],
    'num_examples': ['0'],
    'task_index': ['-1'],
    'fault_timeout_secs': ['0'],
    'eval_data': ['validation'],
    'input_pipeline': ['pipes'],
    'mixed_precision': ['float8'],
    'job_name': ['chief'],
    'data_md5': ['not-an-md5'],
    'top_k': ['0'],
    'num_test_images': ['0', 'ten'],
    'version': ['-1'],
    'dataset': ['cifar1000', 'mnist'],
    'label': ['medium'],
    'test_fraction': ['-0.1', '0.95'],
}

# Path flags, checked when a script starts: which scripts' mains to run, and
# whether the script writes there (then an unwritable place is refused too).
FOLDER_FLAGS = {
    'train_dir': ((cifar10_train, cifar10_multi_gpu_train), True),
    'eval_dir': ((cifar10_eval,), True),
    'data_dir': ((cifar10_train, cifar10_eval), True),
    'checkpoint_dir': ((cifar10_eval, cifar10_predict, cifar10_export),
                       False),
    'export_dir': ((cifar10_export,), True),
    'save_test_images': ((cifar10_predict,), True),
}
FILE_FLAGS = {
    'data_url': ((cifar10_train,),),
    # A checkpoint's path prefix: its .index file must exist.
    'checkpoint_path': ((cifar10_eval, cifar10_predict, cifar10_export),),
}

# Flags any value of which is valid, or checked elsewhere with its own tests:
# booleans and the cluster (tests/test_distributed.py).
FREE = {
    'fresh_start', 'fall_back_checkpoint', 'log_device_placement', 'use_fp16',
    'fast_lrn', 'fake_data', 'run_once', 'ps_hosts', 'worker_hosts',
    'json', 'tflite', 'tflite_quantize', 'overwrite', 'seed', 'deterministic',
}


def _suite_flags():
  names = set()
  for module in MODULES:
    names.update(f.name for f in FLAGS.get_flags_for_module(module))
  return names


def test_every_flag_of_the_suite_is_in_the_table():
  covered = (set(REFUSED_VALUES) | set(FOLDER_FLAGS) | set(FILE_FLAGS) |
             FREE)
  assert _suite_flags() - covered == set()


def _parser(command):
  """The flags parser the command's entry point hands to absl."""
  return cifar10_flags.parser(command.USAGE, command.__doc__,
                              command.HELP_GROUPS)


def _one_line_exit(info, script, flag):
  message = info.value.code
  assert isinstance(message, str), message  # sys.exit(message): status 1.
  assert '\n' not in message
  assert message.startswith('%s: error: ' % script), message
  assert '--%s' % flag in message, message
  return message


@pytest.mark.parametrize('flag, value', [
    (flag, value) for flag, values in sorted(REFUSED_VALUES.items())
    for value in values])
def test_a_refused_value_ends_in_one_line_naming_the_flag(flag, value):
  if flag not in _suite_flags():
    pytest.skip('--%s is not defined in this checkout' % flag)
  with flagsaver.flagsaver():
    with pytest.raises(SystemExit) as info:
      _parser(cifar10_train)(['cifar10_train.py', '--%s=%s' % (flag, value)])
  message = _one_line_exit(info, 'cifar10_train.py', flag)
  assert '--help' in message


@pytest.mark.parametrize('argument, words', [
    ('--max_steps=ten', '--max_steps=ten is not a whole number: write it in '
     'digits, such as --max_steps=1000000'),
    ('--min_fraction_of_examples_in_queue=half',
     '--min_fraction_of_examples_in_queue=half is not a number: write it in '
     'digits, such as --min_fraction_of_examples_in_queue=0.4'),
    ('--use_fp16=maybe', '--use_fp16=maybe is neither true nor false: give '
     '--use_fp16 or --nouse_fp16'),
])
def test_a_value_that_does_not_parse_is_named_in_the_suites_words(argument,
                                                                  words):
  with flagsaver.flagsaver():
    with pytest.raises(SystemExit) as info:
      _parser(cifar10_train)(['cifar10-train', argument])
  assert info.value.code == ('cifar10-train: error: %s (--help lists the '
                             'flags)' % words)


def test_an_unknown_flag_ends_in_one_line():
  with flagsaver.flagsaver():
    with pytest.raises(SystemExit) as info:
      _parser(cifar10_eval)(['cifar10_eval.py', '--num_exmaples=5'])
  assert info.value.code.startswith(
      "cifar10_eval.py: error: Unknown command line flag 'num_exmaples'")


def test_deterministic_needs_a_seed_in_one_line():
  parse = cifar10_flags.parser(cifar10_train.USAGE, cifar10_train.__doc__,
                               cifar10_train.HELP_GROUPS)
  with flagsaver.flagsaver():
    with pytest.raises(SystemExit) as info:
      parse(['cifar10_train.py', '--deterministic'])
    message = info.value.code
    assert '\n' not in message
    assert '--deterministic needs --seed=N' in message
    parse(['cifar10_train.py', '--deterministic', '--seed=3'])
    assert FLAGS.deterministic and FLAGS.seed == 3


def _bad_path(tmp_path, kind):
  """A path of the given wrong kind; returns it."""
  path = str(tmp_path / kind)
  if kind == 'file':
    with open(path, 'w') as f:
      f.write('not a folder')
  elif kind == 'folder':
    os.mkdir(path)
  elif kind == 'fifo':
    os.mkfifo(path)
  elif kind == 'dangling_link':
    os.symlink(str(tmp_path / 'nowhere'), path)
  elif kind == 'unwritable':
    path = '/proc/cifar10_cannot_be_here'
  return path


def _snapshot(path):
  return os.lstat(path) if os.path.lexists(path) else None


def _run_main(module, monkeypatch, tmp_path, **flags):
  script = module.__name__ + '.py'
  monkeypatch.setattr('sys.argv', [script])
  defaults = dict(train_dir=str(tmp_path / 'train'),
                  eval_dir=str(tmp_path / 'eval'),
                  data_dir=str(tmp_path / 'data'),
                  checkpoint_dir=str(tmp_path / 'train'),
                  export_dir=str(tmp_path / 'export'), run_once=True)
  defaults.update(flags)
  # cifar10_predict.py needs an image to classify.
  argv = [script] + ([str(tmp_path / 'cat.png')]
                     if module is cifar10_predict else [])
  with flagsaver.flagsaver(**defaults):
    with pytest.raises(SystemExit) as info:
      module.main(argv)
  return info, script


FOLDER_CASES = [
    (flag, module, kind)
    for flag, (modules, written) in sorted(FOLDER_FLAGS.items())
    for module in modules
    for kind in ('file', 'fifo', 'dangling_link') + (
        ('unwritable',) if written else ())]


FILE_CASES = [
    (flag, module, kind)
    for flag, (modules,) in sorted(FILE_FLAGS.items())
    for module in modules
    for kind in ('folder', 'fifo', 'dangling_link')]


PATH_CASES = FOLDER_CASES + FILE_CASES


@pytest.mark.parametrize(
    'flag, module, kind', PATH_CASES,
    ids=['%s-%s-%s' % (f, m.__name__, k) for f, m, k in PATH_CASES])
def test_a_path_flag_of_the_wrong_kind_is_refused_before_any_work(
    flag, module, kind, monkeypatch, tmp_path):
  path = _bad_path(tmp_path, kind)
  before = _snapshot(path)
  # The pytest run would hang here if a script waited on the FIFO.
  info, script = _run_main(module, monkeypatch, tmp_path, **{flag: path})
  _one_line_exit(info, script, flag)
  assert _snapshot(path) == before  # Nothing replaced or deleted.


@pytest.mark.parametrize('command, arguments, key_flags', [
    (cifar10_train, '', ['train_dir', 'max_steps', 'batch_size', 'data_dir',
                         'fresh_start', 'min_fraction_of_examples_in_queue']),
    (cifar10_multi_gpu_train, '', ['num_gpus', 'train_dir', 'max_steps']),
    (cifar10_distributed_train, '', ['ps_hosts', 'worker_hosts', 'job_name',
                                     'task_index', 'train_dir']),
    (cifar10_eval, '', ['eval_dir', 'checkpoint_dir', 'run_once',
                        'eval_interval_secs', 'num_examples']),
    (cifar10_predict, 'IMAGE...', ['top_k', 'json', 'checkpoint_dir']),
    (cifar10_export, '', ['export_dir', 'version', 'tflite',
                          'checkpoint_dir']),
    (cifar10_make_records, 'IMAGE_DIR DATA_DIR', ['test_fraction', 'seed',
                                                  'overwrite']),
])
def test_help_says_what_the_command_does_its_arguments_and_flags(
    capsys, command, arguments, key_flags):
  name = os.path.basename(command.__file__)
  with pytest.raises(SystemExit) as info:
    _parser(command)([name, '--help'])
  assert info.value.code == 0
  text = capsys.readouterr().out
  usage = text.splitlines()[0]
  assert usage.startswith('usage: cifar10-') and usage.endswith(arguments)
  assert command.__doc__.strip().splitlines()[0] in text  # What it does.
  for flag in key_flags:
    assert '\n  --%s' % flag in text, flag


COMMANDS = (cifar10_train, cifar10_multi_gpu_train, cifar10_distributed_train,
            cifar10_eval, cifar10_predict, cifar10_export,
            cifar10_make_records)


@pytest.mark.parametrize('command', COMMANDS,
                         ids=[c.__name__ for c in COMMANDS])
def test_help_examples_use_the_installed_command_names(command):
  name = command.USAGE.split()[0]
  examples = [line.strip() for line in command.__doc__.splitlines()
              if re.match(r'  +(python |cifar10)', line)]
  assert any(line.startswith(name + ' ') or line == name
             for line in examples), examples
  for line in examples:
    assert re.match(r'cifar10-[a-z-]+( |$)', line), line


def _command_flags(command_line):
  """{flag: value} of a command line such as 'cifar10-train --a=1 --b'."""
  return dict((arg[2:].split('=', 1) + [None])[:2]
              for arg in command_line.split() if arg.startswith('--'))


def test_help_demo_uses_the_readmes_values():
  with open(os.path.join(ROOT, 'README.md')) as f:
    readme = f.read()
  readme_demo = re.search(r'&& (cifar10-train --fake_data[^&]*)', readme)
  help_demo = re.search(r'(cifar10-train --fake_data[^#]*)',
                        cifar10_train.__doc__.replace('\\\n', ' '))
  assert (_command_flags(help_demo.group(1)) ==
          _command_flags(readme_demo.group(1)))


def test_helpfull_lists_the_suites_flags_and_absls_basics_only(capsys):
  with pytest.raises(SystemExit) as info:
    _parser(cifar10_train)(['cifar10_train.py', '--helpfull'])
  assert info.value.code == 0
  text = capsys.readouterr().out
  listed = set(re.findall(r'^  --(\w+)', text, re.M))
  assert _suite_flags() <= listed
  assert listed - _suite_flags() == {'flagfile', 'undefok'}


def test_tensorflow_loads_without_its_noise_before_the_command_speaks():
  proc = run_script('cifar10_predict.py', '--help', timeout=120)
  assert proc.stdout.startswith('usage: cifar10-predict [flags] IMAGE...')
  for noise in cifar10_prepare.LOAD_NOISE:
    assert noise not in proc.stderr, noise
  assert proc.stderr.strip() == ''


def _flag(value, present):
  return SimpleNamespace(value=value, present=present)


def test_each_trainer_saves_by_its_own_unit_unless_the_other_is_given():
  schedule = cifar10_flags.checkpoint_schedule
  secs, steps = _flag(600, False), _flag(1000, False)
  assert schedule(secs, steps, 'secs') == {'save_secs': 600}
  assert schedule(secs, steps, 'steps') == {'save_steps': 1000}
  assert schedule(_flag(30, True), steps, 'steps') == {'save_secs': 30}
  assert schedule(secs, _flag(50, True), 'secs') == {'save_steps': 50}
  with pytest.raises(cifar10_prepare.UserError,
                     match=r'--save_checkpoint_secs=30 and '
                     r'--save_checkpoint_steps=50 were both given: give one'):
    schedule(_flag(30, True), _flag(50, True), 'secs')
