"""Triton Python backend model: serves every version of fraud_teacher and fraud_student.

train.py copies this file to <model>/<version>/model.py, next to fraud_net.py and the version's
weights.npz. With dynamic batching Triton hands execute() all the requests it grouped; they are
scored in one matrix pass and the scores split back per request.
"""
import json
import os
import sys

import numpy as np
import triton_python_backend_utils as pb_utils

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fraud_net import FraudNet  # noqa: E402  (found through the path set just above)


class TritonPythonModel:
    def initialize(self, args):
        config = json.loads(args["model_config"])
        self.input_name = config["input"][0]["name"]
        self.output_name = config["output"][0]["name"]
        version_dir = os.path.join(args["model_repository"], args["model_version"])
        self.net = FraudNet.load(os.path.join(version_dir, "weights.npz"))

    def execute(self, requests):
        # Triton has already checked each input against the config: FP32, [rows, features].
        inputs = [pb_utils.get_input_tensor_by_name(r, self.input_name).as_numpy() for r in requests]
        scores = self.net.predict(np.concatenate(inputs))
        responses, start = [], 0
        for rows in inputs:
            output = pb_utils.Tensor(self.output_name, scores[start : start + len(rows)])
            responses.append(pb_utils.InferenceResponse(output_tensors=[output]))
            start += len(rows)
        return responses
