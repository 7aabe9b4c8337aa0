"""Pure computation (numpy/torch only). Never imports Qt: tests/test_layers.py enforces it."""
