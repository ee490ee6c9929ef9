const nx = require('@nx/eslint-plugin');
const tseslint = require('typescript-eslint');

module.exports = [
  { ignores: ['**/dist/**', '**/node_modules/**', '**/*.js', '**/*.cjs'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          banTransitiveDependencies: false,
          depConstraints: [
            { sourceTag: 'type:core', onlyDependOnLibsWithTags: [], bannedExternalImports: ['onnxruntime-node', 'hnswlib-node', '@langchain/*'] },
            { sourceTag: 'type:video', onlyDependOnLibsWithTags: ['type:core'], bannedExternalImports: ['onnxruntime-node', 'hnswlib-node', '@langchain/*'] },
            { sourceTag: 'type:perception', onlyDependOnLibsWithTags: ['type:core', 'type:video'], bannedExternalImports: ['hnswlib-node'] },
            { sourceTag: 'type:memory', onlyDependOnLibsWithTags: ['type:core'], bannedExternalImports: ['onnxruntime-node'] },
            { sourceTag: 'type:ingest', onlyDependOnLibsWithTags: ['type:core', 'type:video', 'type:perception', 'type:memory'], bannedExternalImports: ['onnxruntime-node', 'hnswlib-node', '@langchain/*'] },
            { sourceTag: 'type:agents', onlyDependOnLibsWithTags: ['type:core', 'type:video', 'type:perception', 'type:memory', 'type:ingest'], bannedExternalImports: ['onnxruntime-node', 'hnswlib-node'] },
            { sourceTag: 'type:training', onlyDependOnLibsWithTags: ['type:core', 'type:video', 'type:perception', 'type:agents'], bannedExternalImports: ['hnswlib-node'] },
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:core', 'type:video', 'type:perception', 'type:memory', 'type:ingest', 'type:agents', 'type:training', 'type:eval'], bannedExternalImports: ['onnxruntime-node', 'hnswlib-node'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:core', 'type:video', 'type:perception', 'type:memory', 'type:ingest', 'type:agents', 'type:training', 'type:eval'] }
          ]
        }
      ]
    }
  }
];
