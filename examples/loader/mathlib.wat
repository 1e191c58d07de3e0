;; Imported by examples/loader_demo.py as `import mathlib` (after `import wasmlite.loader`).
;; Its import "pyhelpers" "scale" comes from the Python module pyhelpers.py beside it.
(module
  (import "pyhelpers" "scale" (func $scale (param i32) (result i32)))
  (memory (export "memory") 1)
  (global (export "answer") i32 (i32.const 42))
  (func (export "gcd") (param $a i32) (param $b i32) (result i32) (local $t i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $b)))
      (local.set $t (i32.rem_u (local.get $a) (local.get $b)))
      (local.set $a (local.get $b))
      (local.set $b (local.get $t))
      (br $next)))
    (local.get $a))
  (func (export "scaled_gcd") (param i32 i32) (result i32)
    (call $scale (call 1 (local.get 0) (local.get 1)))))
