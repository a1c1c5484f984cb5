import { describe, expect, it } from 'vitest';
import { checkOnnx, SUPPORTED_IR, SUPPORTED_OPSET } from './model-check';
import {
	buildHead,
	DataType,
	encodeModel,
	headSpec,
	node,
	onnx,
	valueInfo
} from '../../tests/fixtures/onnx-builder';

/** The static checks on their own (the corpus in tests/ai runs them with the real runtime). */
describe('checkOnnx', () => {
	it('reports the header, the operators and the signature of a head', () => {
		expect(checkOnnx(buildHead({ dims: 4, labels: 2 }), 'tag')).toEqual({
			irVersion: 8,
			opset: 17,
			operators: ['Add', 'MatMul', 'Sigmoid'],
			signature: {
				inputs: [{ name: 'embeddings', type: 'float32', dims: ['batch', 4] }],
				outputs: [{ name: 'scores', type: 'float32', dims: ['batch', 2] }]
			},
			dims: 4,
			labelCount: 2,
			labels: undefined
		});
	});

	it('accepts the edges of the supported range and nothing past them', () => {
		const at = (irVersion: number, opset: number) =>
			buildHead({ dims: 4, labels: 2, change: (spec) => ({ ...spec, irVersion, opset }) });
		expect(() => checkOnnx(at(SUPPORTED_IR.min, SUPPORTED_OPSET.min), 'tag')).not.toThrow();
		expect(() => checkOnnx(at(SUPPORTED_IR.max, SUPPORTED_OPSET.max), 'tag')).not.toThrow();
		expect(() => checkOnnx(at(SUPPORTED_IR.min - 1, 17), 'tag')).toThrow(/IR version 2/);
		expect(() => checkOnnx(at(8, SUPPORTED_OPSET.min - 1), 'tag')).toThrow(/Opset 6/);
	});

	it('finds a custom operator inside a subgraph', () => {
		const spec = headSpec({ dims: 4, labels: 2 });
		const body = {
			name: 'body',
			node: [node('Gelu', ['x'], ['y'], { domain: 'com.example' })],
			input: [valueInfo('x', ['batch', 2])],
			output: [valueInfo('y', ['batch', 2])]
		};
		const branch = (name: string) => ({
			name,
			type: onnx.AttributeProto.AttributeType.GRAPH,
			g: body
		});
		const bytes = encodeModel({
			...spec,
			nodes: [
				...spec.nodes,
				node('If', ['flag'], ['branch'], {
					attribute: [branch('then_branch'), branch('else_branch')]
				})
			],
			inputs: [...spec.inputs, valueInfo('flag', [], DataType.BOOL)]
		});
		expect(() => checkOnnx(bytes, 'tag')).toThrow(/unsupported operators: com\.example:Gelu\.$/);
	});
});
