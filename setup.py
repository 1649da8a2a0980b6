# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""Installs the CIFAR-10 script suite: its modules and console commands."""

from setuptools import setup

setup(
    name='cifar10-tutorial',
    version='1.0.0',
    description=('The classic TensorFlow CIFAR-10 tutorial (input queues, '
                 'model, single- and multi-tower training, evaluation) in '
                 'tf.compat.v1 graph mode, with commands to classify image '
                 'files and export the model.'),
    long_description=open('README.md').read(),
    long_description_content_type='text/markdown',
    license='Apache-2.0',
    python_requires='>=3.10',
    py_modules=[
        'cifar10_prepare',
        'cifar10_flags',
        'cifar10_data',
        'cifar10_images',
        'cifar10_checkpoints',
        'cifar10_runtime',
        'cifar10_dataset',
        'cifar10_fast_lrn',
        'cifar10_input',
        'cifar10',
        'cifar10_train',
        'cifar10_multi_gpu_train',
        'cifar10_replicas',
        'cifar10_distributed_train',
        'cifar10_report',
        'cifar10_eval',
        'cifar10_predict',
        'cifar10_export',
        'cifar10_make_records',
    ],
    install_requires=[
        'tensorflow>=2.16,<3',
        'tensorboard>=2.16,<3',
        'numpy',
        'six',
        'absl-py',
    ],
    extras_require={
        'test': ['pytest>=7', 'hypothesis', 'matplotlib', 'pillow', 'ruff',
                 'ai-edge-litert', 'scipy'],
        'plot': ['matplotlib'],
        # SciPy reads SVHN's .mat files (cifar10/exercises/svhn_to_records.py).
        'svhn': ['scipy'],
        # LiteRT, the runtime that runs the exported .tflite files.
        'litert': ['ai-edge-litert'],
    },
    entry_points={
        'console_scripts': [
            'cifar10-train=cifar10_train:run',
            'cifar10-eval=cifar10_eval:run',
            'cifar10-multi-gpu-train=cifar10_multi_gpu_train:run',
            'cifar10-distributed-train=cifar10_distributed_train:run',
            'cifar10-predict=cifar10_predict:run',
            'cifar10-export=cifar10_export:run',
            'cifar10-make-records=cifar10_make_records:run',
        ],
    },
)
