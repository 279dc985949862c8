"""The embedding model: offline provisioning, loading, and the fast per-question encoder.

The machines this runs on reach package registries but never the Hugging Face hub, and have
two cores shared by Rasa and the app. Importing this package therefore sets the process
defaults every user of the model needs before torch or transformers are imported: hub access
off, one BLAS/OpenMP thread, no tokenizer thread pool. Values already in the environment win.
"""

import os

PROCESS_DEFAULTS = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "TOKENIZERS_PARALLELISM": "false",
}

for _name, _value in PROCESS_DEFAULTS.items():
    os.environ.setdefault(_name, _value)
