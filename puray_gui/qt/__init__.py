"""The widgets: each gets the model it shows (napari style); `QtThing` lives in `qt_thing.py`."""
