"""The model's mechanisms, one module each, in the order the model steps them."""
