(module
  ;; One Adam update over n float32 parameters (src/models/nn-common/adam.ts), in place in this memory:
  ;;   m ← b1·m + c1·g,  v ← b2·v + c2·g²,  x ← x − lr · ((m / d1) / (√(v / d2) + eps)),
  ;; every operation a float32 operation in that order, as tfjs's tensor ops do it (so the same bits).
  ;; Pointers are byte offsets of the four arrays (n float32 each).
  (memory (export "memory") 1)

  (func (export "adamStep")
    (param $m i32) (param $v i32) (param $x i32) (param $g i32) (param $n i32)
    (param $b1 f32) (param $c1 f32) (param $b2 f32) (param $c2 f32)
    (param $d1 f32) (param $d2 f32) (param $eps f32) (param $lr f32)
    (local $k i32) (local $end i32) (local $end4 i32)
    (local $gv v128) (local $mv v128) (local $vv v128)
    (local $gs f32) (local $ms f32) (local $vs f32)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $end4 (i32.and (local.get $end) (i32.const -16)))
    (local.set $k (i32.const 0))
    (block $vend
      (loop $vloop
        (br_if $vend (i32.ge_u (local.get $k) (local.get $end4)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $k))))
        (local.set $mv (f32x4.add
          (f32x4.mul (f32x4.splat (local.get $b1)) (v128.load (i32.add (local.get $m) (local.get $k))))
          (f32x4.mul (f32x4.splat (local.get $c1)) (local.get $gv))))
        (local.set $vv (f32x4.add
          (f32x4.mul (f32x4.splat (local.get $b2)) (v128.load (i32.add (local.get $v) (local.get $k))))
          (f32x4.mul (f32x4.splat (local.get $c2)) (f32x4.mul (local.get $gv) (local.get $gv)))))
        (v128.store (i32.add (local.get $m) (local.get $k)) (local.get $mv))
        (v128.store (i32.add (local.get $v) (local.get $k)) (local.get $vv))
        (v128.store (i32.add (local.get $x) (local.get $k))
          (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $k)))
            (f32x4.mul (f32x4.splat (local.get $lr))
              (f32x4.div (f32x4.div (local.get $mv) (f32x4.splat (local.get $d1)))
                (f32x4.add (f32x4.sqrt (f32x4.div (local.get $vv) (f32x4.splat (local.get $d2))))
                  (f32x4.splat (local.get $eps)))))))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $vloop)))
    (block $send
      (loop $sloop
        (br_if $send (i32.ge_u (local.get $k) (local.get $end)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $k))))
        (local.set $ms (f32.add
          (f32.mul (local.get $b1) (f32.load (i32.add (local.get $m) (local.get $k))))
          (f32.mul (local.get $c1) (local.get $gs))))
        (local.set $vs (f32.add
          (f32.mul (local.get $b2) (f32.load (i32.add (local.get $v) (local.get $k))))
          (f32.mul (local.get $c2) (f32.mul (local.get $gs) (local.get $gs)))))
        (f32.store (i32.add (local.get $m) (local.get $k)) (local.get $ms))
        (f32.store (i32.add (local.get $v) (local.get $k)) (local.get $vs))
        (f32.store (i32.add (local.get $x) (local.get $k))
          (f32.sub (f32.load (i32.add (local.get $x) (local.get $k)))
            (f32.mul (local.get $lr)
              (f32.div (f32.div (local.get $ms) (local.get $d1))
                (f32.add (f32.sqrt (f32.div (local.get $vs) (local.get $d2))) (local.get $eps))))))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $sloop))))
)
